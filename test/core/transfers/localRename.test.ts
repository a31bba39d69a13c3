import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renameLocal } from '../../../electron/core/transfers/localRename.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-rename-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real rename that first fails `times` times with `code`, as Windows does while a scanner holds the file. */
function heldOpen(times: number, code: string) {
  let failures = 0;
  const calls = { count: 0 };
  const fn = async (from: string, to: string) => {
    calls.count++;
    if (failures < times) {
      failures++;
      throw Object.assign(new Error(`${code}: operation not permitted, rename '${from}' -> '${to}'`), {
        code,
      });
    }
    await rename(from, to);
  };
  return { fn, calls };
}

function partial(name: string): { from: string; to: string } {
  const from = join(dir, `.${name}.enscale-part`);
  writeFileSync(from, name);
  return { from, to: join(dir, name) };
}

describe('renameLocal', () => {
  for (const code of ['EPERM', 'EACCES', 'EBUSY']) {
    it(`retries on win32 while another program holds the file (${code}), then saves it`, async () => {
      const { from, to } = partial(`held-${code}.xlsx`);
      const held = heldOpen(3, code);
      await renameLocal(from, to, { platform: 'win32', rename: held.fn, delays: [1, 1, 1, 1] });
      expect(held.calls.count).toBe(4);
      expect(readFileSync(to, 'utf8')).toBe(`held-${code}.xlsx`);
    });
  }

  it('gives up on win32 with a message naming the file and what to do', async () => {
    const { from, to } = partial('report.xlsx');
    const held = heldOpen(Infinity, 'EBUSY');
    const failure = renameLocal(from, to, { platform: 'win32', rename: held.fn, delays: [1, 1] });
    await expect(failure).rejects.toThrow(
      `Cannot save '${to}': another program keeps it open or it is read-only`,
    );
    await expect(failure).rejects.toMatchObject({ details: { reason: 'permissionDenied', path: to } });
    expect(held.calls.count).toBe(3);
    // The partial is kept, so a retry of the transfer resumes rather than starting over.
    expect(readFileSync(from, 'utf8')).toBe('report.xlsx');
  });

  it('does not retry elsewhere, nor on errors that waiting cannot cure', async () => {
    const { from, to } = partial('plain.txt');
    const linux = heldOpen(1, 'EACCES');
    await expect(renameLocal(from, to, { platform: 'linux', rename: linux.fn })).rejects.toThrow(
      /permission denied on this computer/,
    );
    expect(linux.calls.count).toBe(1);
    const missing = heldOpen(1, 'ENOENT');
    await expect(
      renameLocal(from, to, { platform: 'win32', rename: missing.fn, delays: [1] }),
    ).rejects.toThrow(/does not exist on this computer/);
    expect(missing.calls.count).toBe(1);
  });
});
