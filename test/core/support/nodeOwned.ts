import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Gives what a test wrote on this disk into a sandbox node's home to the node's user: the owner of
 * the folder it was written into. Isolated nodes (the sandbox run as root) log in as their service's
 * user, apache on 518839, who could not change a file root left there — as on the platform, where
 * only the node's user writes its files. Where the sandbox shares the test's user it changes nothing.
 * Answers the path, so a write can be wrapped: `nodeOwned(writeTo(path))`.
 */
export function nodeOwned(path: string): string {
  const { uid, gid } = lstatSync(dirname(path));
  const give = (entry: string): void => {
    const stat = lstatSync(entry);
    if (stat.uid !== uid || stat.gid !== gid) chownSync(entry, uid, gid);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) give(join(entry, name));
  };
  give(path);
  return path;
}
