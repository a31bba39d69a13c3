import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../electron/core/keys/secretStore.ts';
import { PlatformClient } from '../../electron/core/platform/PlatformClient.ts';
import { PlatformService } from '../../electron/core/platform/PlatformService.ts';
import { PlatformUnreachable } from '../../shared/src/errors.ts';
import type { EnvironmentList } from '../../shared/src/platformService.ts';

/**
 * The platform API going down in every way a user meets it — refused connections, a server that
 * accepts and never answers, a proxy answering 502 with an HTML page, a 200 with a truncated body,
 * a reset connection — while the app is signed in. Each time the core must answer with the last
 * environment list it fetched, marked offline, keep the session, and be online again once the API is.
 */
type Mode = 'up' | 'refuse' | 'hang' | 'bad-gateway' | 'truncated' | 'reset';

describe('platform API down', () => {
  let sandbox: Sandbox;
  let dir: string;
  let front: ApiFront;
  const secrets = new KeytarSecretStore();
  const keychainService = `enscale-ssh-test-down-${process.pid}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platform-down-'));
    sandbox = await Sandbox.start({ apiPort: 0 });
    front = await ApiFront.start(sandbox.ready.api);
  }, 180_000);
  afterAll(async () => {
    await front?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('serves the cached environment list, marked offline, however the API fails, and recovers', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const service = new PlatformService({
      dataDir,
      secrets,
      keychainService,
      keys: { list: async () => [], exportPublic: async () => '' },
      // A shorter timeout than the app's 30 s, so that the hanging API is given up on sooner.
      clientFor: (profile) => new PlatformClient({ baseUrl: profile.apiUrl, timeoutMs: 8_000 }),
    });
    await service.useProfile({
      kind: 'custom',
      label: 'Through a front',
      apiUrl: front.url,
      gateway: { host: '127.0.0.1', port: 3022 },
    });
    await service.signIn('demo@sandbox.local', 'demo');
    const signedOut: string[] = [];
    service.events.on('signedOut', (event) => signedOut.push(event.reason));
    const online = await service.environments();
    expect(online.offline).toBe(false);
    expect(online.environments.map((e) => e.envName)).toEqual(['analytics', 'shop', 'staging']);

    const seen: Record<string, EnvironmentList> = {};
    for (const mode of ['refuse', 'hang', 'bad-gateway', 'truncated', 'reset'] as const) {
      await front.set(mode);
      const list = await service.environments();
      seen[mode] = list;
      expect(list, mode).toMatchObject({ offline: true, fetchedAt: online.fetchedAt });
      expect(list.environments, mode).toEqual(online.environments);
      // Calls that need the platform say it is unreachable, in words.
      const error = await service.dashboardKeys().catch((e: unknown) => e);
      expect(error, mode).toBeInstanceOf(PlatformUnreachable);
      expect((error as Error).message, mode).toMatch(
        /Cannot reach the platform|not the platform API|did not answer like/,
      );
    }
    // Still signed in: nothing above was the user's session failing.
    expect(signedOut).toEqual([]);
    expect((await service.current()).account?.uid).toBe(4856);

    await front.set('up');
    const back = await service.environments();
    expect(back.offline).toBe(false);
    expect(back.fetchedAt).toBeGreaterThan(online.fetchedAt);
    // The cache holds the list, never the session.
    const session = await secrets.get(keychainService, `session:${front.url}`);
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain(session);
    await service.signOut();
  });
});

/** An HTTP front for the API whose failure mode the test picks; on one port throughout, as a URL is. */
class ApiFront {
  private mode: Mode = 'up';
  private server: HttpServer;

  private constructor(
    private readonly api: string,
    readonly port: number,
    server: HttpServer,
  ) {
    this.server = server;
  }

  static async start(api: string): Promise<ApiFront> {
    const created: { front?: ApiFront } = {};
    const server = createServer((request, response) => created.front?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    created.front = new ApiFront(api, address.port, server);
    return created.front;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Switches mode; 'refuse' closes the listening socket, anything else (re)opens it on the same port. */
  async set(mode: Mode): Promise<void> {
    const listening = this.server.listening;
    this.mode = mode;
    if (mode === 'refuse' && listening) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    } else if (mode !== 'refuse' && !listening) {
      await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    switch (this.mode) {
      case 'hang':
        // Read the request, answer nothing; the client's timeout must end it.
        request.resume();
        return;
      case 'bad-gateway':
        response
          .writeHead(502, { 'content-type': 'text/html' })
          .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case 'truncated':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"result":0,"infos":[{"env":');
        return;
      case 'reset':
        request.socket.destroy();
        return;
      default:
        void this.forward(request, response);
    }
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${this.api}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
      ...(request.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
