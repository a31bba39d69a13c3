import { rename as fsRename } from 'node:fs/promises';
import { fileError } from '../sftp/sftpErrors.ts';
import { localError } from './fileCopy.ts';
import type { LocalPlatform } from './localNames.ts';

export interface LocalRenameOptions {
  platform: LocalPlatform;
  /** The rename itself; injected so tests can play a file held open by another program. */
  rename?: (from: string, to: string) => Promise<void>;
  /** Waits between tries (ms); the default sums to about 10 s. */
  delays?: readonly number[];
}

/**
 * On Windows a file that an antivirus scanner, the search indexer or Excel holds open cannot be
 * replaced for a moment: the rename fails with EPERM, EACCES or EBUSY and succeeds a few hundred
 * milliseconds later. VS Code's file service retries such renames for the same reason. Ten seconds
 * covers a scan; a file open in an editor for longer gets a message that says so.
 */
const WINDOWS_DELAYS = [20, 50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];
const HELD_OPEN = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** Renames a finished partial file over its destination, retrying on Windows while it is held open. */
export async function renameLocal(from: string, to: string, options: LocalRenameOptions): Promise<void> {
  const rename = options.rename ?? fsRename;
  const delays = options.platform === 'win32' ? (options.delays ?? WINDOWS_DELAYS) : [];
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!HELD_OPEN.has(code)) throw localError(error, 'save', to);
      const delay = delays[attempt];
      if (delay === undefined) {
        if (options.platform !== 'win32') throw localError(error, 'save', to);
        throw fileError(
          'permissionDenied',
          to,
          `Cannot save '${to}': another program keeps it open or it is read-only (${code}, still after ${attempt + 1} tries). Close it in that program (an editor such as Excel, or wait for an antivirus scan) and retry the transfer; the downloaded data is kept and resumes.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
