import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { chownTree } from '../../../gateway/src/sandbox/nodeRoot.ts';

/**
 * Gives what a test wrote on this disk into a sandbox node's home to the node's user: the owner of
 * the folder it was written into. Isolated nodes (the sandbox run as root) log in as their service's
 * user, apache on 518839, who could not change a file root left there — as on the platform, where
 * only the node's user writes its files. Where the sandbox shares the test's user it changes nothing.
 * Answers the path, so a write can be wrapped: `await nodeOwned(writeTo(path))`.
 */
export async function nodeOwned(path: string): Promise<string> {
  const { uid, gid } = lstatSync(dirname(path));
  await chownTree(path, uid, gid);
  return path;
}
