import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { RenamedName, TransferRequest } from '../../../shared/src/transfers.ts';
import { NAME_MAX_BYTES } from '../sftp/siblingNames.ts';

/**
 * One local-name policy per OS, used by every download: a name listed by a remote (possibly
 * hostile) SFTP server becomes a legal local file name, or is skipped when it has no legal meaning.
 * ssh2 drops only exact "." and "..", so a server can list "../../x"; a Linux node can hold
 * `a:b`, `CON`, `foo.` or `*?` — legal there, but on Windows they fail to open or are created as
 * files Explorer can neither open nor delete. The platform is injected so the Windows and macOS
 * rules are proven by tests on Linux.
 */
export type LocalPlatform = 'win32' | 'darwin' | 'linux';

/** What becomes of one remote name: saved under `saveAs` (with why, when it differs), or skipped. */
export type LocalNameVerdict = { saveAs: string; reason?: string } | { skip: string };

/** C0 controls, DEL and C1 controls: never written raw into a name (a terminal would obey them). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** What each OS cannot have in a name, besides "/" and NUL which no listing may carry at all. */
const FORBIDDEN: Record<LocalPlatform, RegExp> = {
  // eslint-disable-next-line no-control-regex
  win32: /[\\:*?"<>|\u0000-\u001f\u007f-\u009f]/gu,
  // Finder shows ":" as "/", and the Carbon APIs still treat it as the separator.
  // eslint-disable-next-line no-control-regex
  darwin: /[:\u0000-\u001f\u007f-\u009f]/gu,
  // eslint-disable-next-line no-control-regex
  linux: /[\u0000-\u001f\u007f-\u009f]/gu,
};
/** Device names Windows reserves, also with any extension ("nul.txt") or trailing spaces. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³])$/iu;

/** `%XX` per UTF-8 byte of the character: WinSCP's convention, so the original stays readable. */
const percentEncode = (character: string): string =>
  Array.from(
    Buffer.from(character, 'utf8'),
    (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');

/** The legal local name for `name` on `platform`, or why it must be skipped. */
export function localNameFor(name: string, platform: LocalPlatform): LocalNameVerdict {
  if (name === '') return { skip: 'empty name' };
  if (name === '.' || name === '..') return { skip: 'refers to a directory itself or its parent' };
  if (name.includes('/')) return { skip: 'contains "/" (a path separator)' };
  if (name.includes('\u0000')) return { skip: 'contains a NUL character' };
  const reasons: string[] = [];
  let saveAs = name.replace(FORBIDDEN[platform], percentEncode);
  if (saveAs !== name) {
    reasons.push(
      CONTROL.test(name) && platform !== 'win32'
        ? 'contains a control character'
        : platform === 'win32'
          ? 'contains characters Windows forbids (\\:*?"<>| or control characters)'
          : 'contains ":" or a control character, which macOS does not allow',
    );
  }
  if (platform === 'win32') {
    // Windows strips a trailing dot or space, so "foo." would open "foo": keep them, encoded.
    const trailing = /[. ]+$/u.exec(saveAs);
    if (trailing) {
      saveAs = saveAs.slice(0, trailing.index) + Array.from(trailing[0], percentEncode).join('');
      reasons.push('ends with a dot or space, which Windows strips');
    }
    const dot = saveAs.indexOf('.');
    const stem = dot < 0 ? saveAs : saveAs.slice(0, dot);
    if (WINDOWS_DEVICE.test(stem.trimEnd())) {
      saveAs = `${stem}_${dot < 0 ? '' : saveAs.slice(dot)}`;
      reasons.push('is a device name Windows reserves');
    }
  }
  if (Buffer.byteLength(saveAs) > NAME_MAX_BYTES) {
    return { skip: `is longer than ${NAME_MAX_BYTES} bytes once made a legal name on this computer` };
  }
  return reasons.length === 0 ? { saveAs } : { saveAs, reason: reasons.join('; ') };
}

/**
 * The key under which two names are the same file on the OS's usual disk: NTFS and default APFS
 * ignore case, and APFS also treats NFC and NFD spellings of "café" as one name. Windows gets the
 * Unicode fold too: a folder copied on from a Mac would otherwise collide there.
 */
export function collisionKey(name: string, platform: LocalPlatform): string {
  return platform === 'linux' ? name : name.normalize('NFC').toLowerCase();
}

/** The platform the core runs on, narrowed to those it knows rules for. */
export function currentLocalPlatform(platform: string = process.platform): LocalPlatform {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux';
}

/**
 * Second wall behind the name policy: true when `root` joined with `segments` still resolves to a
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
 * user's folder. On Windows the mode only decides the read-only attribute, and a node's 0400 file
 * would arrive read-only so that the next overwrite fails: Windows files are always made writable.
 */
export function downloadMode(remoteMode: number, platform: LocalPlatform = currentLocalPlatform()): number {
  return platform === 'win32' ? 0o666 : remoteMode & 0o666;
}

/**
 * A download `intoFolder`: the item lands in the chosen folder under the legal local form of its
 * remote name, so a name from a hostile listing ("../x", "..\\x", "con") cannot place it elsewhere.
 * Returns the request with its local path made final, and the renaming when there was one.
 */
export function downloadDestination(
  request: TransferRequest,
  platform: LocalPlatform,
): { request: TransferRequest; renamed?: RenamedName } {
  if (!request.intoFolder) return { request };
  const name = posix.basename(request.remotePath);
  const verdict = localNameFor(name, platform);
  if ('skip' in verdict || !staysUnder(request.localPath, [verdict.saveAs])) {
    const why = 'skip' in verdict ? verdict.skip : 'would land outside the folder';
    throw new InvalidInput(
      `${JSON.stringify(name)} cannot be downloaded under that name: it ${why}. Rename it on the node first.`,
      { name },
    );
  }
  const { intoFolder: _into, ...rest } = request;
  const renamed =
    verdict.saveAs === name ? undefined : { name, savedAs: verdict.saveAs, reason: verdict.reason ?? '' };
  return {
    request: { ...rest, localPath: join(request.localPath, verdict.saveAs) },
    ...(renamed ? { renamed } : {}),
  };
}
