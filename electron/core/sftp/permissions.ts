import type { RemoteFileType } from '../../../shared/src/files.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

const S_IFMT = 0o170000;
const TYPE_CHAR: Record<number, string> = {
  0o040000: 'd',
  0o120000: 'l',
  0o100000: '-',
  0o020000: 'c',
  0o060000: 'b',
  0o010000: 'p',
  0o140000: 's',
};

export function fileTypeOf(mode: number): RemoteFileType {
  switch (mode & S_IFMT) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    default:
      return 'other';
  }
}

/** `ls -l` notation, setuid / setgid / sticky included: `-rwsr-xr-x`, `drwxrwxrwt`. */
export function permissionString(mode: number): string {
  const bit = (mask: number, char: string): string => (mode & mask ? char : '-');
  const special = (exec: boolean, set: boolean, lower: string): string =>
    set ? (exec ? lower : lower.toUpperCase()) : exec ? 'x' : '-';
  return (
    (TYPE_CHAR[mode & S_IFMT] ?? '?') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(!!(mode & 0o100), !!(mode & 0o4000), 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(!!(mode & 0o010), !!(mode & 0o2000), 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(!!(mode & 0o001), !!(mode & 0o1000), 't')
  );
}

/** Accepts 0o755 or '755' / '0755'; only permission bits (with setuid, setgid, sticky). */
export function parseMode(mode: number | string): number {
  const value = typeof mode === 'number' ? mode : /^[0-7]{3,4}$/.test(mode) ? parseInt(mode, 8) : NaN;
  if (!Number.isInteger(value) || value < 0 || value > 0o7777) {
    throw new InvalidInput(`'${String(mode)}' is not a file mode; use octal digits such as 644 or 755.`);
  }
  return value;
}

/**
 * Owner and group from an SFTP v3 long name (`-rw-r--r--  1 alice staff  12 Jan  1 10:00 name`).
 * The format is not standardised; fields are taken only when the line looks like `ls -l`.
 */
export function ownerFromLongname(longname: string): { owner?: string; group?: string } {
  const fields = longname.split(/\s+/, 4);
  const [perms, links, owner, group] = fields;
  if (!perms || !/^[-dlcbps?][-rwxsStT]{9}[.+@]?$/.test(perms) || !links || !/^\d+$/.test(links)) return {};
  // OpenSSH prints the numeric id when the name is unknown; that is no name.
  return {
    ...(owner && !/^\d+$/.test(owner) ? { owner } : {}),
    ...(group && !/^\d+$/.test(group) ? { group } : {}),
  };
}
