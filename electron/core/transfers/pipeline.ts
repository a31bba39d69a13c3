export interface PipelineOptions {
  start: number;
  end: number;
  chunkSize: number;
  /** Requests in flight at once; each owns one buffer of `chunkSize`, so memory is window × chunk. */
  window: number;
  signal: AbortSignal;
  /** Makes each request's buffer (by default a plain one): uploads use buffers SFTP can send without copying. */
  allocate?(size: number): Buffer;
  /** Moves the bytes [offset, offset + length) using `buffer` (at least `length` long). */
  move(buffer: Buffer, offset: number, length: number): Promise<void>;
  onProgress(bytes: number): void;
}

export interface PipelineResult {
  /** Everything below this offset is in place; above it there may be holes. */
  contiguous: number;
  /** The first failure; the other requests were let finish and no new ones issued. */
  failure?: unknown;
  cancelled: boolean;
}

/**
 * Copies [start, end) in `chunkSize` pieces with up to `window` pieces in flight, as OpenSSH's sftp
 * does. On failure or abort no new piece starts, the ones in flight settle, and the result says up
 * to where the data is complete — the size a partial file may keep for resuming.
 */
export async function pipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { end, chunkSize, signal } = options;
  let next = options.start;
  let contiguous = options.start;
  let failure: unknown;
  let failed = false;
  // Pieces finish out of order: remember the ones above the contiguous mark until it reaches them.
  const finished = new Map<number, number>();

  // A small file needs no buffer of a whole request.
  const bufferSize = Math.max(0, Math.min(chunkSize, end - options.start));
  const slot = async (): Promise<void> => {
    const buffer = options.allocate ? options.allocate(bufferSize) : Buffer.allocUnsafe(bufferSize);
    while (!failed && !signal.aborted && next < end) {
      const offset = next;
      const length = Math.min(chunkSize, end - offset);
      next += length;
      try {
        await options.move(buffer, offset, length);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
        return;
      }
      finished.set(offset, offset + length);
      for (let to = finished.get(contiguous); to !== undefined; to = finished.get(contiguous)) {
        finished.delete(contiguous);
        contiguous = to;
      }
      options.onProgress(length);
    }
  };

  const slots = Math.max(1, Math.min(options.window, Math.ceil((end - options.start) / chunkSize)));
  await Promise.all(Array.from({ length: slots }, slot));
  return failed
    ? { contiguous, failure, cancelled: false }
    : { contiguous, cancelled: signal.aborted && contiguous < end };
}
