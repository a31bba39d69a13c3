/** A request carries at most this many files… */
const FILES_PER_REQUEST = 250;
/** …and at most this many bytes, unless one file alone is larger. */
const BYTES_PER_REQUEST = 64 << 20;
/** Requests in flight at once: one fills the host's disk while the next crosses the socket. */
const REQUESTS_IN_FLIGHT = 2;

export interface StagedFile {
  relativePath: string;
  file: Blob;
}

/** The files in requests of at most FILES_PER_REQUEST files and BYTES_PER_REQUEST bytes. */
function groups(files: StagedFile[]): StagedFile[][] {
  const out: StagedFile[][] = [];
  let current: StagedFile[] = [];
  let bytes = 0;
  for (const file of files) {
    if (
      current.length > 0 &&
      (current.length >= FILES_PER_REQUEST || bytes + file.file.size > BYTES_PER_REQUEST)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.file.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The body of one `POST /stage?batch=ID&files=list` (electron/webhost/staging.ts): a 4-byte length,
 * the JSON list of `[name, size]`, then the files. A Blob made of the Files themselves, so the browser
 * streams them from disk and the page's code never reads their bytes.
 */
function body(files: StagedFile[]): Blob {
  const list = new TextEncoder().encode(JSON.stringify(files.map((f) => [f.relativePath, f.file.size])));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, list.length);
  return new Blob([length, list, ...files.map((f) => f.file)]);
}

/**
 * Streams files to the browser host's staging folder, many per request: 5,000 small files took 66 s
 * as one request each (longer than their upload, 27 s). Resolves to the batch's local folder.
 * `base` is '' in the page; a benchmark in Node passes the host's origin (and the Origin header).
 */
export async function stageBatches(
  base: string,
  token: string,
  batch: string,
  files: StagedFile[],
  onStaged: (bytes: number) => void,
  headers: Record<string, string> = {},
): Promise<string> {
  const pending = groups(files);
  let root = '';
  let failed = false;
  const send = async (): Promise<void> => {
    for (let group = pending.shift(); group && !failed; group = pending.shift()) {
      const response = await fetch(`${base}/stage?batch=${batch}&files=list`, {
        method: 'POST',
        headers: { ...headers, 'X-Enscale-Token': token, 'Content-Type': 'application/octet-stream' },
        body: body(group),
      });
      let answer: { root?: string; error?: string };
      try {
        answer = (await response.json()) as { root?: string; error?: string };
      } catch {
        answer = { error: `The browser host answered ${response.status}.` };
      }
      if (!response.ok || !answer.root) {
        failed = true;
        throw new Error(answer.error ?? 'Staging the dropped files failed.');
      }
      root = answer.root;
      onStaged(group.reduce((sum, f) => sum + f.file.size, 0));
    }
  };
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, send));
  return root;
}
