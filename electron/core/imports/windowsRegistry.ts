import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalFileError } from '../../../shared/src/errors.ts';
import type { ParsedSessions } from './foreignSession.ts';
import { sessionsFromRegistry } from './puttySessions.ts';
import { parseRegFile } from './regFile.ts';
import type { ProcessRunner } from '../system/processRunner.ts';

export { runProcess, type ProcessRunner } from '../system/processRunner.ts';

export const REGISTRY_KEYS = [
  'HKCU\\Software\\SimonTatham\\PuTTY\\Sessions',
  'HKCU\\Software\\9bis.com\\KiTTY\\Sessions',
] as const;

/**
 * PuTTY's and KiTTY's sessions straight from the registry: `reg.exe export KEY FILE /y` into a private
 * temporary folder, read like any `.reg` file (reg.exe writes UTF-16LE), the folder removed after.
 * A key that is not there (reg.exe exits 1) means that tool has no saved sessions.
 */
export async function readWindowsRegistry(run: ProcessRunner, tempDir: string): Promise<ParsedSessions> {
  const folder = await mkdtemp(join(tempDir, 'enscale-ssh-reg-'));
  try {
    const sessions: ParsedSessions['sessions'] = [];
    let found = false;
    const missing: string[] = [];
    for (const [index, key] of REGISTRY_KEYS.entries()) {
      const file = join(folder, `sessions-${index}.reg`);
      const result = await run('reg.exe', ['export', key, file, '/y']);
      if (result.code !== 0) {
        // 1 is reg.exe's status for a key that is not there ("unable to find", in the system's language).
        if (result.code === 1) {
          missing.push(`${key}: ${(result.stderr || result.stdout).trim()}`);
          continue;
        }
        throw new LocalFileError(
          `reg.exe could not export ${key} (${result.code === null ? 'it did not start' : `exit status ${result.code}`}): ` +
            `${(result.stderr || result.stdout).trim()}. Export the sessions with regedit and import the .reg file instead.`,
        );
      }
      found = true;
      sessions.push(...sessionsFromRegistry(parseRegFile(await readFile(file), key)).sessions);
    }
    if (!found)
      throw new LocalFileError(
        `There are no PuTTY or KiTTY sessions in the registry (${missing.join('; ')}): save a session in PuTTY first.`,
      );
    return { sessions, skipped: [] };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
