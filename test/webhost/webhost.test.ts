import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appResponseHeaders } from '../../electron/main/policy/contentSecurity.ts';
import WebSocket from 'ws';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { Cancelled } from '../../shared/src/errors.ts';
import { connectBrowserCore, CoreUnreachable } from '../../shared/src/rpc/browserCore.ts';
import type { RpcClient } from '../../shared/src/rpc/RpcClient.ts';
import { webSocketChannel } from '../../shared/src/rpc/webSocketChannel.ts';
import {
  listening,
  openSocket,
  processesMentioning,
  startWebHost,
  upgradeStatus,
  type WebHostProcess,
} from './webHostProcess.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run start:web --sandbox` as the end-to-end tests use it: a real process with the sandbox and its
 * gateway, reached over its WebSocket the way a page reaches it, and refusing everyone else.
 */
let dir: string;
let web: WebHostProcess;
let socket: WebSocket;
let client: RpcClient;
let api: CoreContract;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webhost-'));
  web = await startWebHost(['--sandbox', '--profile', join(dir, 'profile')]);
  socket = await openSocket(web.rpcUrl(), web.origin);
  ({ client, core: api } = createCoreClient(webSocketChannel(socket)));
}, 120_000);
afterAll(async () => {
  client?.close();
  socket?.terminate();
  await web?.stop('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A GET as a raw request line: Node sends the path exactly as given, `..` and all. */
const get = (path: string, host?: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const url = new URL(web.origin);
    const req = request(
      { host: url.hostname, port: url.port, path, ...(host ? { headers: { host } } : {}) },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });

/** A Node WebSocket that sends the host's own origin, for `connectBrowserCore`. */
const pageSocket = (origin: string) =>
  class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  };

describe('the browser host', () => {
  it('prints one ready line with its URL and the sandbox', () => {
    expect(web.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    expect(web.ready.sandbox).toMatchObject({ event: 'ready', gateway: { host: '127.0.0.1' } });
  });

  it('serves the core to a page: sign-in, a key synced to the dashboard, environments', async () => {
    const state = await api.platform.current();
    expect(state.profile).toMatchObject({ kind: 'sandbox', apiUrl: web.ready.sandbox!.api });
    const user = web.ready.sandbox!.users[0]!;
    expect((await api.platform.signIn(user.login, user.password)).uid).toBe(user.uid);
    const key = await api.keys.generate({ name: 'Browser', bits: 2048 });
    expect(await api.platform.syncKey(key.id)).toMatchObject({ added: true });
    const envs = await api.platform.environments();
    expect(envs.environments.map((env) => env.envName)).toEqual(['analytics', 'shop', 'staging']);
  });

  it('opens a terminal on node 518839 through the gateway, its output arriving as bytes', async () => {
    // The page pins the gateway key its platform profile publishes, as the CLI does: no question.
    const { profile } = await api.platform.current();
    expect(profile?.gatewayKey).toEqual({
      keyType: 'ssh-rsa',
      sha256: web.ready.sandbox!.gateway!.hostKey.sha256,
    });
    const questions: string[] = [];
    const stopQuestions = api.hostKeys.events.on('question', (question) => {
      questions.push(question.sha256);
      void api.hostKeys.answer(question.id, 'once');
    });
    const { id } = await api.terminals.open({
      target: {
        gateway: profile!.gateway,
        username: `518839-${web.ready.sandbox!.users[0]!.uid}`,
        pinned: profile!.gatewayKey!,
      },
      cols: 80,
      rows: 24,
    });
    let allBytes = true;
    const output = new Promise<string>((resolve) => {
      let text = '';
      const stop = api.terminals.events.on('data', (event) => {
        if (event.id !== id) return;
        allBytes &&= event.data instanceof Uint8Array;
        text += new TextDecoder().decode(event.data);
        void api.terminals.ack(id, event.data.length);
        if (/^42\r?$/m.test(text)) {
          stop();
          resolve(text);
        }
      });
    });
    await api.terminals.write(id, 'echo $((6*7))\n');
    expect(await output).toMatch(/^42\r?$/m);
    expect(allBytes).toBe(true);
    expect(questions).toEqual([]);
    await api.terminals.close(id);
    stopQuestions();
  });

  it('lets a page reconnect: the old connection’s calls fail, the new one works', async () => {
    const sockets: WebSocket[] = [];
    const origin = web.origin;
    class Socket extends WebSocket {
      constructor(url: string) {
        super(url, { origin });
        sockets.push(this);
      }
    }
    const rpc = `ws://${new URL(web.origin).host}/rpc`;
    let dropped!: (event: { code: number }) => void;
    const closed = new Promise<{ code: number }>((resolve) => (dropped = resolve));
    const first = await connectBrowserCore(rpc, web.token, { WebSocket: Socket, onClose: dropped });
    expect((await first.platform.current()).account?.uid).toBe(web.ready.sandbox!.users[0]!.uid);

    // The connection drops while a call is on its way.
    const pending = first.platform.environments();
    sockets[0]!.terminate();
    expect((await closed).code).toBe(1006);
    await expect(pending).rejects.toBeInstanceOf(Cancelled);
    await expect(first.platform.current()).rejects.toBeInstanceOf(Cancelled);

    const second = await connectBrowserCore(rpc, web.token, { WebSocket: Socket });
    expect((await second.platform.environments()).environments).toHaveLength(3);
    sockets[1]!.close();
  });

  it('refuses upgrades without the token, with a wrong one, or from another origin', async () => {
    expect(await upgradeStatus(web.rpcUrl(), { origin: web.origin })).toBe(101);
    expect(await upgradeStatus(web.rpcUrl(null), { origin: web.origin })).toBe(401);
    expect(await upgradeStatus(web.rpcUrl('x'.repeat(43)), { origin: web.origin })).toBe(401);
    expect(await upgradeStatus(web.rpcUrl(`${web.token}x`), { origin: web.origin })).toBe(401);
    expect(await upgradeStatus(web.rpcUrl(), { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(web.rpcUrl(), { origin: web.origin.replace('127.0.0.1', 'localhost') })).toBe(
      403,
    );
    expect(await upgradeStatus(web.rpcUrl(), {})).toBe(403);
    expect(await upgradeStatus(web.rpcUrl(), { origin: web.origin, host: 'rebound.example' })).toBe(403);
    await expect(
      connectBrowserCore(`ws://${new URL(web.origin).host}/rpc`, 'wrong', {
        WebSocket: pageSocket(web.origin),
      }),
    ).rejects.toBeInstanceOf(CoreUnreachable);
  });

  it('serves pages with a strict CSP and never outside its folder', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    // `npm test` builds the renderer first; a checkout without a build gets a page saying how to fix it.
    if (existsSync(join(ROOT, 'renderer', 'dist', 'index.html')))
      expect(page.body).toContain('<div id="root">');
    else expect(page.body).toContain('the renderer is not built yet');
    expect(page.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://${new URL(web.origin).host}; ` +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    // The desktop window's headers are the same but for the WebSocket the browser host needs.
    const desktop = appResponseHeaders();
    for (const [name, value] of Object.entries(desktop)) {
      const served = page.headers[name.toLowerCase()];
      if (name === 'Content-Security-Policy')
        expect(served).toBe(
          value.replace("connect-src 'self'", `connect-src 'self' ws://${new URL(web.origin).host}`),
        );
      else expect(served, name).toBe(value);
    }
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/a/../../package.json',
    ]) {
      expect([400, 404]).toContain((await get(path)).status);
    }
    expect((await get('/', 'rebound.example')).status).toBe(421);
  });

  it('stops everything on SIGTERM and exits 0', async () => {
    const sandbox = web.ready.sandbox!;
    const ports = [
      new URL(web.origin).port,
      new URL(sandbox.api).port,
      sandbox.gateway!.port,
      ...sandbox.nodes.map((node) => node.port),
    ]
      .filter((port) => port !== null)
      .map(Number);
    expect(await listening(ports[2]!)).toBe(true);
    expect(processesMentioning(sandbox.data).length).toBeGreaterThan(0);

    expect(await web.stop('SIGTERM')).toBe(0);
    for (const port of ports) expect(await listening(port), `port ${port}`).toBe(false);
    expect(processesMentioning(sandbox.data)).toEqual([]);
    // A profile that was given is the user's: it stays.
    expect(existsSync(join(dir, 'profile', 'platform.json'))).toBe(true);
  });
});
