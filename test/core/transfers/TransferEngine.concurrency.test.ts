import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsService } from '../../../electron/core/settings/SettingsService.ts';
import { followTransferSettings } from '../../../electron/core/transfers/followSettings.ts';
import { TransferEngine, type SftpProvider } from '../../../electron/core/transfers/TransferEngine.ts';
import type { TransferJob } from '../../../shared/src/transfers.ts';
import { TARGET } from './transferTestKit.ts';

/**
 * An SFTP provider that never answers until told: each file job that starts waits here, in state
 * `running`, so the jobs running at once can be counted without a server or any timing.
 */
class HeldChannels implements SftpProvider {
  private readonly held: ((error: Error) => void)[] = [];

  sftp(): Promise<SFTPWrapper> {
    return new Promise((_resolve, reject) => this.held.push(reject));
  }

  get waiting(): number {
    return this.held.length;
  }

  /** Ends every held job (as failed: the count is what matters here). */
  releaseAll(): void {
    for (const reject of this.held.splice(0)) reject(new Error('released by the test'));
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'transfer-concurrency-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lets the engine's promise chains run (job starts, failures, the next pump). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function states(engine: TransferEngine) {
  const last = new Map<string, TransferJob['state']>();
  engine.events.on('job', (job) => last.set(job.id, job.state));
  return {
    running: () => [...last.values()].filter((state) => state === 'running').length,
    queued: () => [...last.values()].filter((state) => state === 'queued').length,
  };
}

describe('TransferEngine: concurrency from the settings', () => {
  it('runs as many files at once as the Settings page says, changed while they wait', async () => {
    const settings = new SettingsService({ dataDir: dir });
    await settings.update({ transfers: { concurrency: 2 } });
    const channels = new HeldChannels();
    // As Core wires it: the defaults first, then the stored settings and every change.
    const engine = new TransferEngine(channels, { concurrency: settings.current().transfers.concurrency });
    followTransferSettings(engine, settings);
    const count = states(engine);
    for (let i = 0; i < 12; i++)
      await engine.upload({
        target: TARGET,
        localPath: join(dir, `missing-${i}.bin`),
        remotePath: `/tmp/file-${i}.bin`,
      });
    await settle();
    expect([count.running(), count.queued(), channels.waiting]).toEqual([2, 10, 2]);

    // More at once: queued files start as soon as the setting changes.
    await settings.update({ transfers: { concurrency: 5 } });
    await settle();
    expect([count.running(), count.queued(), channels.waiting]).toEqual([5, 7, 5]);

    // Fewer: the running files finish, and only one starts in their place.
    await settings.update({ transfers: { concurrency: 1 } });
    await settle();
    expect(count.running()).toBe(5);
    channels.releaseAll();
    await settle();
    expect([count.running(), count.queued(), channels.waiting]).toEqual([1, 6, 1]);
    channels.releaseAll();
    await settle();
    expect([count.running(), count.queued(), channels.waiting]).toEqual([1, 5, 1]);

    // Back up to the most the Settings page allows (8).
    await settings.update({ transfers: { concurrency: 8 } });
    await settle();
    expect([count.running(), count.queued(), channels.waiting]).toEqual([6, 0, 6]);
    channels.releaseAll();
    await settle();
    expect(count.running()).toBe(0);
  });

  it('starts with the stored concurrency once the settings file has been read', async () => {
    await new SettingsService({ dataDir: dir }).update({ transfers: { concurrency: 4 } });
    const settings = new SettingsService({ dataDir: dir });
    const channels = new HeldChannels();
    // Built before the file is read, as Core is: it holds the defaults (3) until then.
    const engine = new TransferEngine(channels, { concurrency: settings.current().transfers.concurrency });
    followTransferSettings(engine, settings);
    await settings.ready();
    await settle();
    const count = states(engine);
    for (let i = 0; i < 6; i++)
      await engine.upload({ target: TARGET, localPath: join(dir, `m-${i}`), remotePath: `/tmp/m-${i}` });
    await settle();
    expect([count.running(), channels.waiting]).toEqual([4, 4]);
    channels.releaseAll();
    await settle();
    channels.releaseAll();
    await settle();
    expect(count.running()).toBe(0);
  });
});
