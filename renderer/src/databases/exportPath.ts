/*
 * An export's file name and its compression agree: the name a user types decides (`x.sql` plain,
 * `x.sql.gz` gzipped), and ticking "Compress" changes the typed name's ending to match, so a file
 * called `.sql` never holds gzip data.
 */

/** The compression a typed export path asks for by its ending; undefined when it says nothing. */
export function gzipOfPath(path: string): boolean | undefined {
  const name = path.trim();
  if (/\.gz$/i.test(name)) return true;
  if (/\.sql$/i.test(name)) return false;
  return undefined;
}

/** The typed path with its ending following the "Compress" choice: `x.sql` ↔ `x.sql.gz`. */
export function withCompression(path: string, gzip: boolean): string {
  if (gzip && /\.sql$/i.test(path)) return `${path}.gz`;
  if (!gzip && /\.sql\.gz$/i.test(path)) return path.slice(0, -'.gz'.length);
  return path;
}
