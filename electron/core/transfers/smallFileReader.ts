import { Worker } from 'node:worker_threads';
import { TransferFailed } from '../../../shared/src/errors.ts';
import { changedWhileCopying, localError } from './fileCopy.ts';

/** One file to read whole: `size` bytes (as the folder scan saw it), then `padding` zero bytes. */
export interface SmallFile {
  path: string;
  size: number;
  padding: number;
}

type Outcome = { bytes: Uint8Array } | { short: true } | { error: { code?: string; message: string } };

interface Reply {
  id: number;
  outcomes: Outcome[];
}

/**
 * The worker's whole program, plain JavaScript run with `eval`: the CLI's bundle and the desktop's
 * core are single files, so a worker script beside them would be one more file to ship and find.
 * It reads each file of a request with blocking calls, exactly `size` bytes into a buffer as long as
 * the file and its padding (zeroed, so the padding needs no second write), and hands the buffers
 * over without copying them.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
parentPort.on('message', ({ id, files }) => {
  const outcomes = [];
  const transfer = [];
  for (const { path, size, padding } of files) {
    let fd;
    try {
      fd = openSync(path, 'r');
      const bytes = new Uint8Array(size + padding);
      let done = 0;
      while (done < size) {
        const got = readSync(fd, bytes, done, size - done, done);
        if (got === 0) break;
        done += got;
      }
      if (done < size) outcomes.push({ short: true });
      else {
        outcomes.push({ bytes });
        transfer.push(bytes.buffer);
      }
    } catch (error) {
      outcomes.push({ error: { code: error && error.code, message: String(error && error.message) } });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  parentPort.postMessage({ id, outcomes }, transfer);
});
`;

/**
 * Reads a folder upload's small files on a worker thread, a batch per message. On the event loop's
 * thread each file cost three trips to libuv's pool and back (open, read, close): in a CPU profile of
 * the files benchmark's streamed upload (5,000 files of 1–64 KiB, 2026-12-06), 585 ms of the main
 * thread's 1.44 s of work were in those three calls. Blocking reads on a thread of their own keep
 * the loop free for the SSH connection whatever the disk does.
 */
export class SmallFileReader {
  /** Started at the first read: a folder of large files only needs no thread. */
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private nextId = 0;
  private stopped: Error | undefined;

  /** Each file's content and padding, in the order given; all of them come back in one message. */
  read(files: SmallFile[]): Promise<Buffer>[] {
    const reply = this.request(files);
    return files.map((file, index) =>
      reply.then(({ outcomes }) => {
        const outcome = outcomes[index];
        if (outcome && 'bytes' in outcome) {
          const { buffer, byteOffset, byteLength } = outcome.bytes;
          return Buffer.from(buffer, byteOffset, byteLength);
        }
        if (outcome && 'error' in outcome) {
          throw localError(Object.assign(new Error(outcome.error.message), outcome.error), 'read', file.path);
        }
        throw changedWhileCopying(file.path);
      }),
    );
  }

  /** Ends the thread; reads still waiting fail. */
  async close(): Promise<void> {
    this.stop(new Error('the upload ended'));
    await this.worker?.terminate();
  }

  private request(files: SmallFile[]): Promise<Reply> {
    if (this.stopped) return Promise.reject(this.failure());
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    const worker = (this.worker ??= this.start());
    // Only reads in flight keep the process alive.
    worker.ref();
    worker.postMessage({ id, files });
    return reply;
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      waiter?.resolve(reply);
    });
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', () => this.stop(new Error('the reading thread stopped')));
    return worker;
  }

  private stop(cause: Error): void {
    this.stopped ??= cause;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure());
    this.waiting.clear();
  }

  private failure(): TransferFailed {
    return new TransferFailed(`Could not read the folder's files (${this.stopped?.message ?? 'stopped'}).`);
  }
}
