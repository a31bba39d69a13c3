import path from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { LocalPlace } from '../../../shared/src/localFolders.ts';
import { requireAbsoluteLocalPath } from '../transfers/absoluteLocalPath.ts';
import { localNameFor, type LocalPlatform } from '../transfers/localNames.ts';

/*
 * Folder paths by the rules of the OS the core runs on, chosen by an injected platform so the
 * Windows rules (drive roots, UNC shares, backslashes) are proven by tests on Linux.
 */

export const pathRules = (platform: LocalPlatform) => (platform === 'win32' ? path.win32 : path.posix);

/**
 * A full path to a folder as the chooser shows it: `..` and `.` resolved as written, one separator
 * between names, none at the end but a root's own (`/`, `C:\`, `\\server\share\`). A relative path
 * is refused: it would mean wherever the core happens to run.
 */
export function folderPath(candidate: string, platform: LocalPlatform, what = 'The folder'): string {
  if (candidate.includes('\u0000')) throw new InvalidInput(`${what} cannot contain a NUL character.`);
  requireAbsoluteLocalPath(candidate, what, platform);
  const rules = pathRules(platform);
  const normal = rules.normalize(candidate);
  const { root } = rules.parse(normal);
  return normal.length > root.length ? normal.replace(/[\\/]+$/, '') : root;
}

/** The folder above a normalised folder path, or null at a root. */
export function parentOf(folder: string, platform: LocalPlatform): string | null {
  const rules = pathRules(platform);
  return rules.parse(folder).root === folder ? null : rules.dirname(folder);
}

/** A root as a breadcrumb names it: `/`, `C:`, `\\server\share`. */
function rootName(root: string, platform: LocalPlatform): string {
  return platform === 'win32' && root.length > 1 ? root.replace(/[\\/]+$/, '') : root;
}

/** The folders from the root down to `folder` (normalised), each with its own path, for a breadcrumb. */
export function trailOf(folder: string, platform: LocalPlatform): LocalPlace[] {
  const rules = pathRules(platform);
  const { root } = rules.parse(folder);
  const names = folder.slice(root.length).split(rules.sep).filter(Boolean);
  return [
    { name: rootName(root, platform), path: root },
    ...names.map((name, i) => ({ name, path: rules.join(root, ...names.slice(0, i + 1)) })),
  ];
}

/** A root as a place to open: `/`, or `C:` for `C:\`. */
export const rootPlace = (root: string, platform: LocalPlatform): LocalPlace => ({
  name: rootName(root, platform),
  path: root,
});

/*
 * Node cannot read Windows' hidden attribute nor macOS's hidden flag, so "hidden" is decided by name:
 * dot-folders everywhere, and on Windows the system folders Explorer hides, which a user never
 * means to save into.
 */
const WINDOWS_HIDDEN = new Set([
  'system volume information',
  'appdata',
  'programdata',
  'recovery',
  'config.msi',
]);

export function isHiddenFolder(name: string, platform: LocalPlatform): boolean {
  if (name.startsWith('.')) return true;
  return platform === 'win32' && (name.startsWith('$') || WINDOWS_HIDDEN.has(name.toLowerCase()));
}

/**
 * A new folder's name as typed, refused with the reason when the OS would not keep it as typed: a
 * separator (one folder at a time), `.` or `..`, characters the OS forbids, a name Windows reserves
 * (`con`, `nul`, `com1`…) or strips (a trailing dot or space), more than 255 bytes. Never changed
 * silently: the folder gets the name the user sees.
 */
export function checkNewFolderName(name: string, platform: LocalPlatform): string {
  if (name.trim() === '') throw new InvalidInput('Give the new folder a name.');
  if (name === '.' || name === '..')
    throw new InvalidInput(`A folder cannot be called "${name}": it means this folder or the one above.`);
  const separator = platform === 'win32' ? /[\\/]/ : /\//;
  if (separator.test(name))
    throw new InvalidInput(
      `A folder name cannot contain ${platform === 'win32' ? '"\\" or "/"' : '"/"'}, which separates folders in a path: make one folder at a time.`,
    );
  const verdict = localNameFor(name, platform);
  if ('skip' in verdict) throw new InvalidInput(`"${name}" cannot be a folder name: it ${verdict.skip}.`);
  if (verdict.saveAs !== name)
    throw new InvalidInput(
      `"${name}" cannot be a folder name on this computer: it ${verdict.reason ?? 'is not allowed here'}. Choose another name.`,
    );
  return name;
}
