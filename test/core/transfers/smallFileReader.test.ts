import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmallFileReader } from '../../../electron/core/transfers/smallFileReader.ts';

const dir = mkdtempSync(join(tmpdir(), 'small-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SmallFileReader', () => {
  let reader: SmallFileReader;
  beforeEach(() => {
    reader = new SmallFileReader();
  });
  afterEach(() => reader.close());

  it('reads each file of a batch whole, in order, followed by zeroed padding', async () => {
    const contents = [0, 1, 511, 512, 70_000].map((size, i) => {
      const path = join(dir, `f${i}`);
      const bytes = randomBytes(size);
      writeFileSync(path, bytes);
      return { path, bytes, padding: (512 - (size % 512)) % 512 };
    });
    const read = await Promise.all(
      reader.read(contents.map(({ path, bytes, padding }) => ({ path, size: bytes.length, padding }))),
    );
    for (const [i, { bytes, padding }] of contents.entries()) {
      const got = read[i]!;
      expect(got.length).toBe(bytes.length + padding);
      expect(got.subarray(0, bytes.length).equals(bytes)).toBe(true);
      expect(got.subarray(bytes.length).every((byte) => byte === 0)).toBe(true);
    }
  });

  it('fails only the file that is gone or got shorter, with the reason, and reads the rest', async () => {
    const good = join(dir, 'good');
    const shorter = join(dir, 'shorter');
    writeFileSync(good, 'good');
    writeFileSync(shorter, 'abc');
    const [missing, short, fine] = reader.read([
      { path: join(dir, 'missing'), size: 10, padding: 0 },
      { path: shorter, size: 10, padding: 0 },
      { path: good, size: 4, padding: 0 },
    ]);
    await expect(missing).rejects.toMatchObject({ details: { reason: 'notFound' } });
    await expect(missing).rejects.toThrow(/does not exist on this computer/);
    await expect(short).rejects.toThrow(/got shorter while being copied/);
    expect((await fine!).toString()).toBe('good');
  });

  it('reads only the size the scan saw from a file that has grown since', async () => {
    const grown = join(dir, 'grown');
    writeFileSync(grown, 'abcdefgh');
    const [read] = reader.read([{ path: grown, size: 5, padding: 3 }]);
    expect(await read!).toEqual(Buffer.from('abcde\0\0\0'));
  });

  it('fails reads asked for after it was closed, rather than leave them waiting', async () => {
    await reader.close();
    const [read] = reader.read([{ path: join(dir, 'good'), size: 4, padding: 0 }]);
    await expect(read).rejects.toThrow(/Could not read the folder's files/);
  });
});
