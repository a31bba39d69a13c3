/** POSIX paths on the node (never the local OS's rules). */
export function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  return index <= 0 ? '/' : trimmed.slice(0, index);
}

export function joinRemote(folder: string, name: string): string {
  return folder.endsWith('/') ? `${folder}${name}` : `${folder}/${name}`;
}

/** `/a/b/c` → [`/`, `/a`, `/a/b`, `/a/b/c`] with their names, for the breadcrumb. */
export function crumbsOf(path: string): { name: string; path: string }[] {
  const parts = path.split('/').filter(Boolean);
  return [
    { name: '/', path: '/' },
    ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join('/')}` })),
  ];
}

/** A name the user typed for a new entry: one path segment, nothing that changes directory. */
export function validEntryName(name: string): string | undefined {
  if (!name.trim()) return 'Give it a name.';
  if (name.includes('/')) return 'A name cannot contain “/”.';
  if (name === '.' || name === '..') return 'That name is taken by the folder itself.';
  if (new TextEncoder().encode(name).length > 255) return 'Names are at most 255 bytes.';
  if (name.includes('\0')) return 'A name cannot contain a NUL character.';
  return undefined;
}

/** `755`, `0644`, `rwxr-x---` → the mode number, or undefined. */
export function parseMode(text: string): number | undefined {
  const t = text.trim();
  if (/^0?[0-7]{3}$/.test(t)) return parseInt(t, 8);
  if (/^[r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-]$/.test(t)) {
    let mode = 0;
    for (let i = 0; i < 9; i++) if (t[i] !== '-' && t[i] !== 'S' && t[i] !== 'T') mode |= 1 << (8 - i);
    return mode;
  }
  return undefined;
}
