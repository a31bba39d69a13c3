import { InvalidInput } from '../../../../shared/src/errors.ts';
import type { TerminalLogChoice, TerminalLogState } from '../../../../shared/src/terminals.ts';
import type { LogSubject } from './logNames.ts';
import type { SessionLog } from './SessionLog.ts';
import type { SessionLogs } from './SessionLogs.ts';

/**
 * One terminal's session log, started and stopped as the tab asks. It is handed the output only —
 * what the node or program printed — and never the input: what the user types reaches the log only
 * as the other side echoes it, so a password typed at a prompt that does not echo is never written
 * (as `script` without `-I`, or PuTTY's "printable output" log).
 */
export class TerminalLog {
  private log: SessionLog | undefined;
  private starting: Promise<{ path: string }> | undefined;
  private ended = false;

  constructor(
    private readonly logs: SessionLogs | undefined,
    private readonly session: { subject: LogSubject; columns: number },
    /** Tells the tab the log started, stopped, or failed. */
    private readonly changed: (state: TerminalLogState) => void,
  ) {}

  write(data: Uint8Array): void {
    this.log?.write(data);
  }

  /** The terminal's new width, where a plain log wraps rows as the screen does. */
  resize(columns: number): void {
    this.session.columns = columns;
    this.log?.resize(columns);
  }

  /**
   * Before the session opens: starts the log it asked for, or that Settings want. A log that cannot
   * start does not keep the terminal from opening; the answer says why instead.
   */
  async prepare(choice: TerminalLogChoice | undefined): Promise<TerminalLogState | undefined> {
    if (!this.logs || !(await this.logs.wanted(choice))) return undefined;
    try {
      this.log = await this.logs.open(this.session, this.failed, choice?.continues);
      return { path: this.log.path };
    } catch (error) {
      return { path: null, error: (error as Error).message };
    }
  }

  /** The session opened: the log's first line. */
  opened(): void {
    this.log?.begin();
  }

  /** The session did not open: a file made for it is removed again. */
  async discard(): Promise<void> {
    this.ended = true;
    const log = this.log;
    this.log = undefined;
    await log?.discard();
  }

  /** Starts logging to a new file (or answers the file already being written). */
  start(): Promise<{ path: string }> {
    if (this.ended) return Promise.reject(new InvalidInput('That terminal is closed.'));
    if (this.log) return Promise.resolve({ path: this.log.path });
    if (!this.logs) return Promise.reject(new InvalidInput('This terminal cannot write a session log.'));
    const logs = this.logs;
    this.starting ??= (async () => {
      try {
        const log = await logs.open(this.session, this.failed);
        if (this.ended) {
          await log.close();
          throw new InvalidInput('That terminal is closed.');
        }
        log.begin();
        this.log = log;
        this.changed({ path: log.path });
        return { path: log.path };
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  /** Stops logging; what the log holds is written out first. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const log = this.log;
    if (!log) return;
    this.log = undefined;
    await log.close();
    this.changed({ path: null });
  }

  /** The session ended: the log is finished and closed. */
  async end(): Promise<void> {
    this.ended = true;
    await this.starting?.catch(() => undefined);
    const log = this.log;
    this.log = undefined;
    await log?.close();
  }

  private readonly failed = (log: SessionLog, error: Error): void => {
    void log.close();
    if (this.log !== log) return;
    this.log = undefined;
    this.changed({
      path: null,
      error: `The session log ${log.path} stopped: ${(error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : error.message}.`,
    });
  };
}
