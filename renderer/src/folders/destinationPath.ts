/*
 * A destination file's path taken apart and put back together with the separator of the computer
 * the core runs on, so "Choose…" can change the folder of a typed `…/shop.sql.gz` and keep its name.
 */

export type Separator = '/' | '\\';

/** Where the separators are: on Windows `/` is one too; elsewhere `\` is an ordinary character. */
const separators = (separator: Separator) => (separator === '\\' ? /[\\/]/ : /\//);

/** The last name of a path (`C:\dumps\shop.sql` → `shop.sql`); '' when it ends in a separator. */
export function fileNameOf(path: string, separator: Separator): string {
  return path.trim().split(separators(separator)).at(-1) ?? '';
}

/** The folder part of a file's path, or '' when the path has none (a bare name). */
export function folderOf(path: string, separator: Separator): string {
  const trimmed = path.trim();
  const parts = trimmed.split(separators(separator));
  if (parts.length < 2) return '';
  const folder = trimmed.slice(0, trimmed.length - (parts.at(-1)?.length ?? 0) - 1);
  // The root keeps its separator: `/x` → `/`, `C:\x` → `C:\`.
  return folder === '' || /^[A-Za-z]:$/.test(folder) ? `${folder}${separator}` : folder;
}

/** `name` in `folder` with one separator between them (a root such as `C:\` or `/` has its own). */
export function inFolderPath(folder: string, name: string, separator: Separator): string {
  return separators(separator).test(folder.at(-1) ?? '')
    ? `${folder}${name}`
    : `${folder}${separator}${name}`;
}
