import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteFiles } from '../../../electron/core/sftp/RemoteFiles.ts';
import { partialName } from '../../../electron/core/transfers/names.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { Cancelled } from '../../../shared/src/errors.ts';
import { connectNode, type NodeSftp } from '../sftp/nodeSftp.ts';
import { randomFile, record, sha256, TARGET } from './transferTestKit.ts';

const MiB = 1024 * 1024;

let node: NodeSftp;
let local: string;

beforeAll(async () => {
  node = await connectNode();
  local = mkdtempSync(join(tmpdir(), 'transfers-files-'));
}, 120_000);
afterAll(async () => {
  await node?.stop();
  rmSync(local, { recursive: true, force: true });
});

const engine = (options: ConstructorParameters<typeof TransferEngine>[1] = {}) =>
  new TransferEngine({ sftp: async () => node.sftp }, options);

describe('TransferEngine: single files', () => {
  it('uploads and downloads 64 MiB with equal SHA-256, progress at most ten times a second', async () => {
    const transfers = engine();
    const events = record(transfers);
    const source = join(local, 'random.bin');
    await randomFile(source, 64 * MiB);
    const expected = await sha256(source);
    mkdirSync(join(node.home, 'big'), { recursive: true });

    const up = await transfers.upload({
      target: TARGET,
      localPath: source,
      remotePath: join(node.remoteHome, 'big/random.bin'),
    });
    const uploaded = await transfers.wait(up.id);
    expect(uploaded).toMatchObject({
      state: 'done',
      bytes: 64 * MiB,
      total: 64 * MiB,
      transferred: 64 * MiB,
    });
    expect(await sha256(join(node.home, 'big/random.bin'))).toBe(expected);
    expect(readdirSync(join(node.home, 'big'))).toEqual(['random.bin']);

    const target = join(local, 'down', 'random.bin');
    const down = await transfers.download({
      target: TARGET,
      localPath: target,
      remotePath: join(node.remoteHome, 'big/random.bin'),
    });
    expect(await transfers.wait(down.id)).toMatchObject({ state: 'done', bytes: 64 * MiB });
    expect(await sha256(target)).toBe(expected);
    expect(readdirSync(join(local, 'down'))).toEqual(['random.bin']);

    for (const id of [up.id, down.id]) {
      const states = events.states(id);
      expect(states.map((s) => s.job.state)).toEqual(['queued', 'running', 'done']);
      const started = states[1]!.at;
      const seconds = (states[2]!.at - started) / 1000;
      const progress = events.progress(id);
      // A rate check: never more than one event per 100 ms (plus rounding at the edges).
      expect(progress.length).toBeLessThanOrEqual(Math.floor(seconds * 10) + 1);
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(95);
      }
      for (const { event } of progress) {
        expect(event.total).toBe(64 * MiB);
        expect(event.bytes).toBeLessThanOrEqual(64 * MiB);
      }
      const last = progress.at(-1)?.event;
      if (last && last.bytes < last.total) expect(last.rate).toBeGreaterThan(0);
    }
    events.stop();
  });

  it('cancels an upload mid-file, keeps the partial only, and resumes just the remainder', async () => {
    const transfers = engine({ progressIntervalMs: 0 });
    const source = join(local, 'resume-up.bin');
    // Well above the 64 × 255 KiB a file keeps in flight, which still land after the cancel.
    const size = 64 * MiB;
    await randomFile(source, size);
    const remote = join(node.remoteHome, 'resume-up.bin');
    const partial = join(node.home, partialName('resume-up.bin'));

    const job = await transfers.upload({ target: TARGET, localPath: source, remotePath: remote });
    const off = transfers.events.on('progress', (p) => {
      if (p.id === job.id && p.bytes >= size / 3) void transfers.cancel(job.id);
    });
    await expect(transfers.wait(job.id)).rejects.toThrow(Cancelled);
    off();
    expect(existsSync(join(node.home, 'resume-up.bin'))).toBe(false);
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(size);
    expect((await transfers.jobs()).find((j) => j.id === job.id)?.state).toBe('cancelled');

    await transfers.retry(job.id);
    const resumed = await transfers.wait(job.id);
    expect(resumed).toMatchObject({
      state: 'done',
      resumedFrom: kept,
      transferred: size - kept,
      bytes: size,
    });
    expect(await sha256(join(node.home, 'resume-up.bin'))).toBe(await sha256(source));
    expect(existsSync(partial)).toBe(false);
  });

  it('cancels a download mid-file through the wait signal and resumes just the remainder', async () => {
    const transfers = engine({ progressIntervalMs: 0 });
    // Well above the 64 × 255 KiB a file keeps in flight, which still land after the cancel.
    const size = 64 * MiB;
    await randomFile(join(node.home, 'resume-down.bin'), size);
    const target = join(local, 'resume-down.bin');
    const partial = join(local, partialName('resume-down.bin'));

    const job = await transfers.download({
      target: TARGET,
      localPath: target,
      remotePath: join(node.remoteHome, 'resume-down.bin'),
    });
    const abort = new AbortController();
    const off = transfers.events.on('progress', (p) => {
      if (p.id === job.id && p.bytes >= size / 2) abort.abort();
    });
    await expect(transfers.wait(job.id, { signal: abort.signal })).rejects.toThrow(Cancelled);
    off();
    expect(existsSync(target)).toBe(false);
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(size);

    await transfers.retry(job.id);
    expect(await transfers.wait(job.id)).toMatchObject({
      state: 'done',
      resumedFrom: kept,
      transferred: size - kept,
    });
    expect(await sha256(target)).toBe(await sha256(join(node.home, 'resume-down.bin')));
    expect(existsSync(partial)).toBe(false);
  });

  it('starts over when the partial file does not belong to the source', async () => {
    const transfers = engine();
    const source = join(local, 'stale.bin');
    await randomFile(source, 3 * MiB);
    utimesSync(source, new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
    // A partial left by a crash or by another file: its time does not match the source's.
    await randomFile(join(node.home, partialName('stale.bin')), 1 * MiB);
    const job = await transfers.upload({
      target: TARGET,
      localPath: source,
      remotePath: join(node.remoteHome, 'stale.bin'),
    });
    expect(await transfers.wait(job.id)).toMatchObject({
      state: 'done',
      resumedFrom: 0,
      transferred: 3 * MiB,
    });
    expect(await sha256(join(node.home, 'stale.bin'))).toBe(await sha256(source));
  });

  it('round-trips hostile, unicode and 255-byte names', async () => {
    const transfers = engine();
    const files = new RemoteFiles(node.sftp);
    const names = [
      `it's "quoted" & spaced`,
      'new\nline',
      '$(touch pwned)',
      '`touch pwned`;',
      'ünïcødé 日本語 🚀',
      'x'.repeat(255),
      'é'.repeat(127) + 'z',
    ];
    const remoteDir = join(node.remoteHome, 'names');
    mkdirSync(join(local, 'names-src'));
    mkdirSync(join(local, 'names-back'));
    for (const [index, name] of names.entries()) {
      const source = join(local, 'names-src', name);
      await randomFile(source, 100_000 + index);
      const up = await transfers.upload({
        target: TARGET,
        localPath: source,
        remotePath: join(remoteDir, name),
      });
      await transfers.wait(up.id);
    }
    expect((await files.list(remoteDir)).map((e) => e.name).sort()).toEqual([...names].sort());
    for (const [index, name] of names.entries()) {
      const renamed = `${index}-${name}`.slice(0, name.length);
      await files.rename(join(remoteDir, name), join(remoteDir, renamed));
      const back = join(local, 'names-back', renamed);
      const down = await transfers.download({
        target: TARGET,
        localPath: back,
        remotePath: join(remoteDir, renamed),
      });
      await transfers.wait(down.id);
      expect(await sha256(back)).toBe(await sha256(join(local, 'names-src', name)));
    }
    expect(readdirSync(join(local, 'names-back'))).toHaveLength(names.length);
    expect(existsSync(join(node.home, 'pwned'))).toBe(false);
    expect(existsSync(join(node.home, 'names', 'pwned'))).toBe(false);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });
});
