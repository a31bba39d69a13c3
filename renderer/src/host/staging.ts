import type { DroppedEntry, LocalPaths } from './droppedEntries.ts';
import { stageBatches } from './stageBatches.ts';

/**
 * The browser host's stand-in for local paths: the files are streamed (`fetch` with a Blob made of
 * the Files as the body: the browser reads them from disk, the page's code never does) to the host's
 * staging folder, many per request (stageBatches.ts), one batch per drop, and the batch's entries are
 * then uploaded by the core from there.
 */
export async function stageEntries(
  token: string,
  entries: DroppedEntry[],
  onProgress?: (staged: number, total: number) => void,
): Promise<LocalPaths> {
  const batch = crypto.randomUUID();
  const release = () =>
    void fetch(`/stage?batch=${batch}`, { method: 'DELETE', headers: { 'X-Enscale-Token': token } }).catch(
      () => undefined,
    );
  const total = entries.reduce((n, e) => n + e.files.reduce((m, f) => m + f.file.size, 0), 0);
  let staged = 0;
  let root = '';
  // Said at once: the first progress comes only when a whole request (up to 250 files) is in.
  onProgress?.(0, total);
  try {
    const files = entries.flatMap((entry) => entry.files);
    root = await stageBatches('', token, batch, files, (bytes) => {
      staged += bytes;
      onProgress?.(staged, total);
    });
  } catch (error) {
    release();
    throw error;
  }
  // An empty folder has no files to stage, so nothing of it reaches the core.
  const paths = entries.filter((e) => e.files.length > 0).map((e) => `${root}/${e.name}`);
  return { paths, release };
}
