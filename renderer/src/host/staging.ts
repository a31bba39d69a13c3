import type { DroppedEntry, LocalPaths } from './droppedEntries.ts';

async function answerOf(response: Response): Promise<{ path?: string; root?: string; error?: string }> {
  try {
    return (await response.json()) as { path?: string; root?: string; error?: string };
  } catch {
    return { error: `The browser host answered ${response.status}.` };
  }
}

/**
 * The browser host's stand-in for local paths: each file is streamed (`fetch` with the File as the
 * body: the browser reads it from disk, the page's code never does) to the host's staging folder,
 * one batch per drop, and the batch's entries are then uploaded by the core from there.
 */
export async function stageEntries(
  token: string,
  entries: DroppedEntry[],
  onProgress?: (staged: number, total: number) => void,
): Promise<LocalPaths> {
  const batch = crypto.randomUUID();
  const endpoint = (name?: string) =>
    `/stage?batch=${batch}${name === undefined ? '' : `&name=${encodeURIComponent(name)}`}`;
  const release = () =>
    void fetch(endpoint(), { method: 'DELETE', headers: { 'X-Enscale-Token': token } }).catch(
      () => undefined,
    );
  const total = entries.reduce((n, e) => n + e.files.reduce((m, f) => m + f.file.size, 0), 0);
  let staged = 0;
  let root = '';
  try {
    for (const entry of entries)
      for (const { file, relativePath } of entry.files) {
        const response = await fetch(endpoint(relativePath), {
          method: 'POST',
          headers: { 'X-Enscale-Token': token, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
        const answer = await answerOf(response);
        if (!response.ok || !answer.root) throw new Error(answer.error ?? `Staging ${relativePath} failed.`);
        root = answer.root;
        staged += file.size;
        onProgress?.(staged, total);
      }
  } catch (error) {
    release();
    throw error;
  }
  // An empty folder has no files to stage, so nothing of it reaches the core.
  const paths = entries.filter((e) => e.files.length > 0).map((e) => `${root}/${e.name}`);
  return { paths, release };
}
