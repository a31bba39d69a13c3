import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import { PlatformUnreachable } from '../../../shared/src/errors.ts';
import { json, runCli } from '../../cli/runCli.ts';

/**
 * What the app puts on the wire, seen by a real HTTP server in front of the sandbox's API (and,
 * for `appid`, by the sandbox's own log): no `lazy` and no `appid`, one `/1.0/` however the address
 * was typed, and an http address that the platform moves to https followed there (with a real TLS
 * server and a certificate the child process trusts through NODE_EXTRA_CA_CERTS, as a user's OS
 * would).
 */
interface Seen {
  path: string;
  params: URLSearchParams;
}

let sandbox: Sandbox;
let dir: string;
const servers: Server[] = [];
const seen: Seen[] = [];

/** Forwards a request to the sandbox's API as it came, noting its path and form. */
function forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    const body = Buffer.concat(chunks);
    seen.push({ path: incoming.url ?? '', params: new URLSearchParams(body.toString('utf8')) });
    const target = new URL(incoming.url ?? '/', sandbox.ready.api);
    const upstream = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    upstream.end(body);
  });
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

let recordingUrl: string;

interface LoggedCall {
  apiMethod: string;
  appid: string | null;
}

/**
 * The `api call` lines of the sandbox's API log, read once the call to `last` is in it (the log
 * stream writes behind the answer).
 */
async function loggedCalls(last: string): Promise<LoggedCall[]> {
  for (;;) {
    const calls = readFileSync(join(sandbox.dataDir, 'logs', 'api.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"api call"'))
      .map((line) => JSON.parse(line) as LoggedCall);
    if (calls.some((call) => call.apiMethod === last)) return calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'api-transport-'));
  sandbox = await Sandbox.start({ apiPort: 0 });
  recordingUrl = `http://127.0.0.1:${await listen(createServer(forward))}`;
}, 120_000);
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the platform API as the app calls it', () => {
  it('asks getenvs for every node (no lazy) and sends no appid', async () => {
    seen.length = 0;
    const client = new PlatformClient({ baseUrl: recordingUrl });
    const result = await client.signIn('demo@sandbox.local', 'demo');
    if (result.codeRequired) throw new Error('demo has no two-factor authentication');
    const envs = await client.environments(result.session);
    expect(envs.find((env) => env.envName === 'shop')?.nodes.map((node) => node.id)).toEqual([
      518839, 518840,
    ]);
    const getenvs = seen.find((call) => call.path.endsWith('/getenvs'));
    expect(getenvs?.params.has('lazy')).toBe(false);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const call of seen) expect(call.params.has('appid')).toBe(false);
    // The sandbox's own log of the same calls (it records each call's appid, never its parameters).
    const logged = await loggedCalls('environment.Control.GetEnvs');
    expect(logged.map((call) => call.apiMethod)).toContain('users.Authentication.SignIn');
    for (const call of logged) expect(call.appid).toBeNull();
  });

  it('builds one /1.0/ whether the address was typed with it or not', async () => {
    for (const typed of [`${recordingUrl}/1.0`, `${recordingUrl}/1.0/`, `${recordingUrl}//`]) {
      seen.length = 0;
      const result = await new PlatformClient({ baseUrl: typed }).signIn('demo@sandbox.local', 'demo');
      expect(result.session).toMatch(/\S/);
      expect(seen.map((call) => call.path)).toEqual(['/1.0/users/authentication/rest/signin']);
    }
  });

  it('refuses a redirect to another host, saying where it pointed', async () => {
    const elsewhere = await listen(
      createServer((_req, res) => res.writeHead(301, { location: 'https://example.invalid/1.0/x' }).end()),
    );
    const error = await new PlatformClient({ baseUrl: `http://127.0.0.1:${elsewhere}` })
      .signIn('demo@sandbox.local', 'demo')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformUnreachable);
    expect((error as Error).message).toContain('redirects to https://example.invalid/1.0/x');
  });

  it('follows the platform from http to https on the same host, and keeps using https', async () => {
    const key = join(dir, 'tls.key');
    const cert = join(dir, 'tls.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, forward);
    const httpsPort = await listen(tls);
    const redirects: string[] = [];
    const plain = await listen(
      createServer((req, res) => {
        redirects.push(req.url ?? '');
        res.writeHead(301, { location: `https://127.0.0.1:${httpsPort}${req.url ?? '/'}` }).end();
      }),
    );
    const profile = join(dir, 'profile');
    const gateway = '127.0.0.1:3022';
    const use = await runCli(profile, ['platform', 'use', `http://127.0.0.1:${plain}`, '--gateway', gateway]);
    expect(use.code, use.stderr).toBe(0);
    seen.length = 0;
    const token = sandbox.ready.tokens[0]!.token;
    const envs = await runCli(profile, ['--json', 'envs'], undefined, {
      ENSCALE_SSH_TOKEN: token,
      NODE_EXTRA_CA_CERTS: cert,
    });
    expect(envs.code, envs.stderr).toBe(0);
    expect(json<{ envName: string }[]>(envs).map((env) => env.envName)).toContain('shop');
    // One redirect, then every call went straight to https with its form intact.
    expect(redirects).toHaveLength(1);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((call) => call.params.get('session') === token)).toBe(true);
  });
});
