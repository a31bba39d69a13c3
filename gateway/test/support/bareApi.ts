import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createPlatformApi, type PlatformApiOptions } from '../../src/api/PlatformApi.ts';
import { seedDemoData } from '../../src/sandbox/seed.ts';
import { SqliteStore } from '../../src/store/SqliteStore.ts';

/**
 * The platform API alone on a real port, over a real SQLite store seeded with the demo data: for
 * tests of the API that need no nodes (starting and stopping environments only changes their status).
 */
export class BareApi {
  private constructor(
    readonly base: string,
    readonly store: SqliteStore,
    private readonly app: FastifyInstance,
    private readonly log: WriteStream,
    readonly logPath: string,
    readonly dir: string,
  ) {}

  static async start(
    options: Partial<Omit<PlatformApiOptions, 'store' | 'lifecycle' | 'logStream'>> = {},
  ): Promise<BareApi> {
    const dir = mkdtempSync(join(tmpdir(), 'bare-api-'));
    const store = new SqliteStore(join(dir, 'platform.db'));
    await seedDemoData(store);
    const logPath = join(dir, 'api.log');
    const log = createWriteStream(logPath, { flags: 'a' });
    const app = await createPlatformApi({
      store,
      lifecycle: { start: async () => {}, stop: async () => {} },
      logStream: log,
      ...options,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new BareApi(`http://127.0.0.1:${port}`, store, app, log, logPath, dir);
  }

  /** The API log so far; waits until `until` appears in it, as the log stream writes asynchronously. */
  async logText(until: string): Promise<string> {
    for (;;) {
      const text = readFileSync(this.logPath, 'utf8');
      if (text.includes(until)) return text;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await this.app.close();
    await new Promise<void>((done) => this.log.end(done));
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
