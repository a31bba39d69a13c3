/** The private key formats the vault writes. */
export type ExportFormat = 'openssh' | 'ppk';

/**
 * A file name from a key's name: letters, digits, dot, dash and underscore, the rest turned into
 * dashes, so the suggestion is valid on every system and needs no quoting in a shell.
 */
export function fileNameFor(keyName: string, format: ExportFormat): string {
  const base =
    keyName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD: é → e
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 80) || 'key';
  // OpenSSH keys have no extension by custom (id_rsa); PuTTY's are .ppk.
  return format === 'ppk' ? `${base}.ppk` : base;
}

/** Where an export is suggested: the downloads folder (the core's) and the file name for the format. */
export function suggestedPath(
  dir: string,
  separator: '/' | '\\',
  keyName: string,
  format: ExportFormat,
): string {
  const trimmed = dir.endsWith(separator) ? dir.slice(0, -1) : dir;
  return `${trimmed}${separator}${fileNameFor(keyName, format)}`;
}

/**
 * Whether a typed path is absolute. A relative one would land wherever the core happens to run, so
 * it is refused with a hint. POSIX `/…`, Windows `C:\…` or `C:/…`, and UNC `\\server\…`.
 */
export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}
