import { chmod, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile.ts';

/** ~/.ssh and the user's config in it, as OpenSSH finds them from the home folder. */
export const sshFolder = (home: string): string => join(home, '.ssh');
export const userConfigPath = (home: string): string => join(sshFolder(home), 'config');

const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** The user's config as text ('' when there is none yet). Read as UTF-8 bytes, written back the same. */
export async function readUserConfig(home: string): Promise<string> {
  try {
    return await readFile(userConfigPath(home), 'utf8');
  } catch (error) {
    if (missing(error)) return '';
    throw error;
  }
}

/**
 * Replaces the user's config through a temp file and a rename (a reader sees the old file or the
 * new, never half), keeping its mode; a new one is 0600 in a new ~/.ssh of 0700, as OpenSSH wants.
 * A config that is a symbolic link (dotfile managers) is written where the link points, so the
 * link stays a link.
 */
export async function writeUserConfig(home: string, text: string): Promise<void> {
  // Not recursive: a home folder that does not exist is an error, not something to create.
  await mkdir(sshFolder(home), { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  let target = userConfigPath(home);
  let mode = 0o600;
  try {
    target = await realpath(target);
    mode = (await stat(target)).mode & 0o7777;
  } catch (error) {
    if (!missing(error)) throw error;
  }
  await writeFileAtomic(target, text, mode);
  // The temp file was created through the umask: give the file exactly the mode it had.
  await chmod(target, mode);
}
