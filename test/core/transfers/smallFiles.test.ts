import { randomBytes } from 'node:crypto';
import {
  type Dirent,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import type { TransferJob } from '../../../shared/src/transfers.ts';
import { connectNode, type NodeSftp } from '../sftp/nodeSftp.ts';
import { TARGET } from './transferTestKit.ts';

let node: NodeSftp;
let local: string;

beforeAll(async () => {
  node = await connectNode();
  local = mkdtempSync(join(tmpdir(), 'transfers-small-'));
}, 120_000);
afterAll(async () => {
  await node?.stop();
  rmSync(local, { recursive: true, force: true });
});

/** `count` files of 1–8 KiB of random bytes over three levels of folders, by relative path. */
function nestedFiles(root: string, count: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const path = `p${i % 6}/s${i % 4}/${i % 2 ? 'deep/' : ''}f-${i}.bin`;
    const content = randomBytes(1024 + ((i * 977) % 7168));
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
    files.set(path, content);
  }
  return files;
}

/** The most file jobs of `parentId` running at once, from the engine's job events. */
function peakRunning(engine: TransferEngine) {
  const running = new Set<string>();
  let peak = 0;
  const off = engine.events.on('job', (job: TransferJob) => {
    if (!job.parentId) return;
    if (job.state === 'running') running.add(job.id);
    else running.delete(job.id);
    peak = Math.max(peak, running.size);
  });
  return { peak: () => peak, stop: off };
}

/** Every file under the folder, by path relative to it, dot-named partial files left out. */
function finalFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe('TransferEngine: many small files', () => {
  it('moves a folder’s small files many at once, byte-equal both ways, beyond the concurrency setting', async () => {
    const source = join(local, 'site');
    const files = nestedFiles(source, 300);
    const transfers = new TransferEngine({ sftp: async () => node.sftp }, { concurrency: 1 });

    const up = peakRunning(transfers);
    const folder = await transfers.upload({
      target: TARGET,
      localPath: source,
      remotePath: join(node.remoteHome, 'site'),
    });
    expect(await transfers.wait(folder.id)).toMatchObject({
      state: 'done',
      files: { total: 300, finished: 300, failed: 0 },
    });
    up.stop();
    // The setting says 1; a folder's small files go 32 at a time besides.
    expect(up.peak()).toBe(32);
    const remote = join(node.home, 'site');
    expect(finalFiles(remote)).toEqual([...files.keys()].sort());
    for (const [path, content] of files)
      expect(readFileSync(join(remote, path)).equals(content), path).toBe(true);
    // No partial file is left behind.
    expect(
      (readdirSync(remote, { recursive: true }) as string[]).filter((name) => name.includes('enscale-part')),
    ).toEqual([]);

    const down = peakRunning(transfers);
    const back = join(local, 'site-back');
    const download = await transfers.download({
      target: TARGET,
      localPath: back,
      remotePath: join(node.remoteHome, 'site'),
    });
    expect(await transfers.wait(download.id)).toMatchObject({
      state: 'done',
      files: { total: 300, failed: 0 },
    });
    down.stop();
    expect(down.peak()).toBe(32);
    expect(finalFiles(back)).toEqual([...files.keys()].sort());
    for (const [path, content] of files)
      expect(readFileSync(join(back, path)).equals(content), path).toBe(true);
  });

  it('a file put in the way mid-batch, in a folder the upload created, fails only that file and is kept', async () => {
    const source = join(local, 'raced');
    const files = nestedFiles(source, 120);
    const transfers = new TransferEngine({ sftp: async () => node.sftp });
    const remote = join(node.home, 'raced');
    const victim = [...files.keys()][100] as string;
    // The folders exist once the first file is queued; the upload looks no more for what is in them
    // (they were empty), so this file appears where it did not look: the rename must not replace it.
    const off = transfers.events.on('job', (job) => {
      if (job.parentId && job.state === 'queued' && !readdirSync(remote).includes('.placed')) {
        writeFileSync(join(remote, '.placed'), '');
        writeFileSync(join(remote, victim), 'someone else’s');
      }
    });
    const folder = await transfers.upload({
      target: TARGET,
      localPath: source,
      remotePath: join(node.remoteHome, 'raced'),
    });
    await expect(transfers.wait(folder.id)).rejects.toThrow(/1 of 120 files .* failed/);
    off();
    expect(readFileSync(join(remote, victim), 'utf8')).toBe('someone else’s');
    for (const [path, content] of files)
      if (path !== victim) expect(readFileSync(join(remote, path)).equals(content), path).toBe(true);
    expect(finalFiles(remote)).toEqual([...files.keys()].sort());
  });

  it('a file put in the way mid-download, in a folder the download created, fails only that file and is kept', async () => {
    const remote = join(node.home, 'raced-down');
    const files = nestedFiles(remote, 120);
    const transfers = new TransferEngine({ sftp: async () => node.sftp });
    const back = join(local, 'raced-down-back');
    const victim = [...files.keys()][100] as string;
    let placed = false;
    const off = transfers.events.on('job', (job) => {
      if (job.parentId && job.state === 'queued' && !placed) {
        placed = true;
        writeFileSync(join(back, victim), 'someone else’s');
      }
    });
    const folder = await transfers.download({
      target: TARGET,
      localPath: back,
      remotePath: join(node.remoteHome, 'raced-down'),
    });
    await expect(transfers.wait(folder.id)).rejects.toThrow(/1 of 120 files .* failed/);
    off();
    expect(readFileSync(join(back, victim), 'utf8')).toBe('someone else’s');
    for (const [path, content] of files)
      if (path !== victim) expect(readFileSync(join(back, path)).equals(content), path).toBe(true);
    expect(finalFiles(back)).toEqual([...files.keys()].sort());
  });

  it('an upload into folders that exist still follows the conflict policy for each file', async () => {
    const source = join(local, 'merge');
    mkdirSync(join(source, 'old'), { recursive: true });
    mkdirSync(join(source, 'new'), { recursive: true });
    writeFileSync(join(source, 'a.txt'), 'new a');
    writeFileSync(join(source, 'old', 'b.txt'), 'new b');
    writeFileSync(join(source, 'new', 'c.txt'), 'new c');
    const remote = join(node.home, 'merge');
    mkdirSync(join(remote, 'old'), { recursive: true });
    writeFileSync(join(remote, 'a.txt'), 'old a');
    writeFileSync(join(remote, 'old', 'b.txt'), 'old b');
    const transfers = new TransferEngine({ sftp: async () => node.sftp });
    const folder = await transfers.upload({
      target: TARGET,
      localPath: source,
      remotePath: join(node.remoteHome, 'merge'),
      conflict: 'skip',
    });
    await transfers.wait(folder.id);
    expect(readFileSync(join(remote, 'a.txt'), 'utf8')).toBe('old a');
    expect(readFileSync(join(remote, 'old', 'b.txt'), 'utf8')).toBe('old b');
    expect(readFileSync(join(remote, 'new', 'c.txt'), 'utf8')).toBe('new c');
  });
});
