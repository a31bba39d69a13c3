import path from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { currentLocalPlatform, type LocalPlatform } from './localNames.ts';

const EXAMPLE: Record<LocalPlatform, string> = {
  win32: 'C:\\Users\\you\\Downloads',
  darwin: '/Users/you/Downloads',
  linux: '/home/you/Downloads',
};

/**
 * Whether a local path names one place whatever the core's working folder and current drive are.
 * On Windows path.win32.isAbsolute also says yes to `\x` (the current drive's root) and `C:x` is
 * relative to C:'s current folder: only `C:\…`, `C:/…` and UNC `\\server\share\…` (`\\?\…` too) pass.
 */
export function isAbsoluteLocalPath(candidate: string, platform: LocalPlatform): boolean {
  if (platform !== 'win32') return path.posix.isAbsolute(candidate);
  if (!path.win32.isAbsolute(candidate)) return false;
  return /^[A-Za-z]:[\\/]/.test(candidate) || /^[\\/]{2}[^\\/]/.test(candidate);
}

/**
 * Refuses a relative local path: it would land in the core's working folder (`/` for the app on a Mac,
 * the install folder on Windows), where nobody looks and the user may not write.
 */
export function requireAbsoluteLocalPath(
  candidate: string,
  what: string,
  platform: LocalPlatform = currentLocalPlatform(),
): void {
  if (isAbsoluteLocalPath(candidate, platform)) return;
  const drive =
    platform === 'win32' && /^(?:[A-Za-z]:(?![\\/])|[\\/](?![\\/]))/.test(candidate)
      ? ' (a path with a drive letter and no backslash after it, or one starting with a single backslash, depends on the current drive and folder)'
      : '';
  throw new InvalidInput(
    `${what} must be a full path such as ${EXAMPLE[platform]}; ${JSON.stringify(candidate)} is not${drive}. Type the whole path, from the drive or the root folder.`,
  );
}
