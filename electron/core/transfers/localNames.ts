import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { TransferRequest } from '../../../shared/src/transfers.ts';

/**
 * Decides whether a name listed by a remote (possibly hostile) SFTP server may
 * become one local file name. ssh2 drops only exact "." and "..", so a server
 * can list "../../x" or, for Windows, "..\\..\\Startup\\run.bat" — both legal
 * Linux names that would escape the chosen download folder if joined unchecked.
 * The platform is injected so Windows rules are proven by tests on Linux.
 */
export type LocalPlatform = 'win32' | 'darwin' | 'linux';

/** C0 controls, DEL and C1 controls: never sent raw into a file name. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const WINDOWS_FORBIDDEN = /[:<>"|?*]/;
/** Device names Windows reserves, also with any extension ("con.txt"). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Returns why `name` may not become a local file name, or undefined if it may. */
export function unsafeLocalNameReason(name: string, platform: LocalPlatform): string | undefined {
  if (name === '') return 'empty name';
  if (name === '.' || name === '..') return 'refers to a directory itself or its parent';
  if (name.includes('/')) return 'contains "/" (a path separator)';
  if (name.includes('\\')) return 'contains "\\" (a path separator on Windows)';
  if (name.includes('\u0000')) return 'contains a NUL character';
  if (CONTROL_CHARACTERS.test(name)) return 'contains a control character';
  if (platform !== 'win32') return undefined;
  if (WINDOWS_FORBIDDEN.test(name)) return 'contains a character Windows forbids (:<>"|?*)';
  if (/[. ]$/.test(name)) return 'ends with a dot or space, which Windows strips';
  if (WINDOWS_DEVICE.test(name)) return 'is a device name Windows reserves';
  return undefined;
}

/** The platform the core runs on, narrowed to those it knows rules for. */
export function currentLocalPlatform(platform: string = process.platform): LocalPlatform {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux';
}

/**
 * Second wall behind the name check: true when `root` joined with `segments` still resolves to a
 * path strictly under `root`, so no listing, however crafted, lands a file outside the chosen folder.
 */
export function staysUnder(root: string, segments: readonly string[]): boolean {
  const base = resolve(root);
  const inner = relative(base, resolve(base, ...segments));
  return inner !== '' && inner !== '..' && !inner.startsWith(`..${sep}`) && !isAbsolute(inner);
}

/**
 * The mode a downloaded file gets: the node's read and write bits only. No setuid, setgid or
 * sticky bit ever, and no execute bit: a hostile node could otherwise plant a runnable file in the
 * user's folder. There is no "keep permissions" choice yet; when there is, it may add execute back.
 */
export function downloadMode(remoteMode: number): number {
  return remoteMode & 0o666;
}

/**
 * A download `intoFolder`: the item lands in the chosen folder under its remote name, which must be
 * one safe local name, so a name from a hostile listing ("../x", "..\\x", "con") cannot place it
 * elsewhere. Returns the request with its local path made final.
 */
export function downloadDestination(request: TransferRequest, platform: LocalPlatform): TransferRequest {
  if (!request.intoFolder) return request;
  const name = posix.basename(request.remotePath);
  const reason = unsafeLocalNameReason(name, platform);
  if (reason || !staysUnder(request.localPath, [name])) {
    throw new InvalidInput(
      `${JSON.stringify(name)} cannot be downloaded under that name: it ${reason ?? 'would land outside the folder'}. Rename it on the node first.`,
      { name },
    );
  }
  const { intoFolder: _into, ...rest } = request;
  return { ...rest, localPath: join(request.localPath, name) };
}
