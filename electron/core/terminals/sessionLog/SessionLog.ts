import type { FileHandle } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { readableTime, type LogSubject } from './logNames.ts';
import { PlainText } from './plainText.ts';

/** An open log file and what it is: the caller opened it (exclusively when `created`). */
export interface SessionLogFile {
  handle: FileHandle;
  path: string;
  /** A new file (a first line names the session), or one this tab wrote before (a line marks the reconnect). */
  created: boolean;
  /** The bytes as they came, or plain text. */
  raw: boolean;
  subject: LogSubject;
  now: () => Date;
  /** The terminal's width, where the plain text wraps rows. */
  columns: number;
}

/**
 * One log file being written. Output goes through the plain-text filter (unless raw) into a queue
 * that one writer at a time drains: the order is kept, and the many small chunks a pty sends become
 * few writes. A write that fails (a full disk, a removed drive) stops the log and says so once.
 */
export class SessionLog {
  private readonly plain: PlainText | undefined;
  private queue: (string | Uint8Array)[] = [];
  private busy = false;
  private writer: Promise<void> = Promise.resolve();
  private failed = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly file: SessionLogFile,
    private readonly onFailed: (error: Error) => void,
  ) {
    this.plain = file.raw ? undefined : new PlainText(file.columns);
  }

  /** The terminal was resized: later rows wrap at the new width. */
  resize(columns: number): void {
    this.plain?.resize(columns);
  }

  get path(): string {
    return this.file.path;
  }

  /** The session is open: a plain log's own line names it (a new file) or marks the reconnect. */
  begin(): void {
    if (!this.plain) return;
    const { subject, created, now } = this.file;
    this.enqueue(
      created
        ? `[Session log of ${subject.title}, started ${readableTime(now())}]\n`
        : `[Reconnected ${readableTime(now())}]\n`,
    );
  }

  /** Output of the session, as the node (or the local program) printed it. */
  write(data: Uint8Array): void {
    if (this.closing || this.failed) return;
    if (!this.plain) {
      // A copy: the source may reuse its buffer before the write runs.
      this.enqueue(new Uint8Array(data));
      return;
    }
    const text = this.plain.push(data);
    if (text) this.enqueue(text);
  }

  /** Writes out what is left (a prompt's unfinished line) and closes the file. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const rest = this.plain?.end();
    if (rest) this.enqueue(rest);
    this.closing = this.drained().then(() => this.file.handle.close().catch(() => undefined));
    return this.closing;
  }

  /** The session never opened: the file is closed, and removed when this log created it. */
  async discard(): Promise<void> {
    this.queue = [];
    this.closing ??= this.drained().then(() => this.file.handle.close().catch(() => undefined));
    await this.closing;
    if (this.file.created) await rm(this.file.path, { force: true });
  }

  private async drained(): Promise<void> {
    while (this.busy) await this.writer;
  }

  private enqueue(chunk: string | Uint8Array): void {
    if (this.failed) return;
    this.queue.push(chunk);
    if (this.busy) return;
    this.busy = true;
    this.writer = this.writeQueued();
  }

  private async writeQueued(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failed) {
        const parts = this.queue.splice(0);
        const data = Buffer.concat(
          parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)),
        );
        for (let at = 0; at < data.length;) {
          const { bytesWritten } = await this.file.handle.write(data, at, data.length - at);
          at += bytesWritten;
        }
      }
    } catch (error) {
      this.failed = true;
      this.queue = [];
      this.onFailed(error as Error);
    } finally {
      // In the same step as the last check of the queue: a chunk queued after it starts a new writer.
      this.busy = false;
    }
  }
}
