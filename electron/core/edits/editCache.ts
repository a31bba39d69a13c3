import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Where "Edit" keeps its local copies: the profile's cache, never the user's own folders. */
export const editsCacheDir = (dataDir: string): string => join(dataDir, 'cache', 'edits');

/*
 * One folder per edit, named `<pid>-<16 hex>`: the core process that owns it, so a start can tell a
 * crashed run's leftovers (their process is gone) from the live copies of another core sharing the
 * profile (the CLI beside the desktop app, or several cores in one test process).
 */
const EDIT_FOLDER = /^(\d+)-[0-9a-f]{16}$/;

/** The folder of a new edit, private to the user (0700, and the cache folders above it too). */
export async function newEditFolder(root: string): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const folder = join(root, `${process.pid}-${randomBytes(8).toString('hex')}`);
  await mkdir(folder, { mode: 0o700 });
  return folder;
}

/** Whether a process with this id runs (one we may not signal still runs). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the edit folders whose core process is gone (a crash, a killed app): their copies were
 * watched by nobody. Anything else in the cache folder — not named as an edit folder — is left alone.
 * Answers the folders removed.
 */
export async function sweepLeftovers(root: string, alive = processAlive): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const owner = EDIT_FOLDER.exec(name)?.[1];
    if (owner === undefined || alive(Number(owner))) continue;
    await removeFolder(join(root, name));
    removed.push(name);
  }
  return removed;
}

/** Removes an edit's folder; on Windows an editor holding the file may delay it, so it retries. */
export async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
}
