import { createHash } from 'node:crypto';

/** The longest file name most file systems (ext4, XFS, APFS, NTFS) accept, in bytes. */
export const NAME_MAX_BYTES = 255;

/**
 * A hidden name beside `name`: `.NAME<suffix>`, or — when that would exceed the file system's
 * name limit — `.<hash of NAME><suffix>`. Deterministic, so a later run finds the same name.
 */
export function hiddenSibling(name: string, suffix: string): string {
  const plain = `.${name}${suffix}`;
  if (Buffer.byteLength(plain) <= NAME_MAX_BYTES) return plain;
  return `.${createHash('sha256').update(name).digest('hex').slice(0, 32)}${suffix}`;
}
