import type {
  TerminalEvents,
  TerminalLogChoice,
  TerminalLogState,
  TerminalSize,
} from '../../../shared/src/terminals.ts';
import { errorCode, errorMessage } from '../ui/errorMessage.ts';
import type { TerminalHub } from './TerminalHub.ts';
import { Acknowledgements } from './acknowledgements.ts';
import { ScreenFeed } from './screenWrites.ts';

/** What the connection needs of the screen (an xterm.js Terminal in the app). */
export interface TerminalScreen {
  readonly cols: number;
  readonly rows: number;
  /** Draws `data`; calls `drawn` once it is on the screen (the core waits for that: flow control). */
  write(data: Uint8Array | string, drawn?: () => void): void;
}

export type TerminalState = 'connecting' | 'connected' | 'disconnected' | 'exited';

export interface TerminalStatus {
  state: TerminalState;
  /** Why it is disconnected, in the core's words. */
  message?: string;
  /** When the next attempt starts (ms since epoch), while retrying. */
  retryAt?: number;
  /** No retry will help without the user (a refused key, a changed host key, …). */
  needsUser?: boolean;
  errorCode?: string;
}

// Failures that repeat until the user does something; everything else is worth retrying.
const NEEDS_USER = new Set([
  'AuthenticationFailed',
  'HostKeyChanged',
  'HostKeyRejected',
  'HostKeyUnknown',
  'NodeNotFound',
  'KeychainUnavailable',
  'KeyNotFound',
  'SignedOut',
  'InvalidInput',
]);

/** How long a reopened session must stay up, untouched, to count as working. */
const CONFIRM_AFTER_MS = 10_000;

/** Back-off between reconnection attempts after a drop, as the core does for its connections. */
export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000] as const;

const ENTER = '\r';
/** Enough for a pasted command line or two; more typed into a terminal that is not there is dropped. */
const TYPEAHEAD_LIMIT = 16 * 1024;

/**
 * One tab's terminal in the core: opens it, pipes input and output (acknowledging what was drawn),
 * and after a dropped link reopens it with back-off. A shell that exits on its own waits for Enter.
 */
export class TerminalConnection<Request> {
  private id: string | undefined;
  private detach: (() => void) | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private status: TerminalStatus = { state: 'connecting' };
  /** Keys typed while the session opens, sent once it is open (as a local terminal would). */
  private typeahead = '';
  /**
   * A session reopened after a drop that has not proved itself yet. The gateway answers a node it
   * cannot reach (or an environment that is stopped) by opening the session, printing why and
   * exiting 1; such an exit is one more failed attempt, not the user's shell ending.
   */
  private provisional = false;
  private confirmTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why no retry can help now (the node's environment is stopped): set and cleared by `hold`/`release`. */
  private held: string | undefined;

  /** Whether the tab logs: undefined until its first session (Settings decide), then the tab's own. */
  private logWanted: boolean | undefined;
  /** The tab's log file, continued by the next session after a reconnect. */
  private logPath: string | undefined;
  private logState: TerminalLogState = { path: null };
  /** Output, and the app's own lines, on their way into the screen, in order. */
  private readonly feed: ScreenFeed;

  constructor(
    private readonly hub: TerminalHub<Request>,
    private readonly request: (size: TerminalSize, log: TerminalLogChoice) => Request,
    private readonly screen: TerminalScreen,
    private readonly onStatus: (status: TerminalStatus) => void,
    private readonly onLog: (log: TerminalLogState) => void = () => undefined,
  ) {
    this.feed = new ScreenFeed(screen);
  }

  get current(): TerminalStatus {
    return this.status;
  }

  /** The session log: the file being written, or null. */
  get log(): TerminalLogState {
    return this.logState;
  }

  /** Starts a session log (a new file); later sessions of this tab go on in it. */
  async startLog(): Promise<void> {
    this.logWanted = true;
    if (!this.id) return;
    this.setLog(await this.hub.api.startLog(this.id));
  }

  async stopLog(): Promise<void> {
    this.logWanted = false;
    this.logPath = undefined;
    if (this.id) await this.hub.api.stopLog(this.id);
    this.setLog({ path: null });
  }

  async open(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.setStatus({ state: 'connecting' });
    try {
      const log: TerminalLogChoice = {
        ...(this.logWanted === undefined ? {} : { enabled: this.logWanted }),
        ...(this.logWanted && this.logPath ? { continues: this.logPath } : {}),
      };
      const opened = await this.hub.api.open(
        this.request({ cols: this.screen.cols, rows: this.screen.rows }, log),
      );
      const { id } = opened;
      if (this.closed) {
        void this.hub.api.close(id).catch(() => undefined);
        return;
      }
      this.id = id;
      const acks = new Acknowledgements((bytes) => void this.hub.api.ack(id, bytes).catch(() => undefined));
      this.detach = this.hub.attach(id, {
        data: (data) => this.feed.write(data, () => acks.add(data.byteLength)),
        exit: (event) => this.exited(event),
        log: (state) => this.setLog(state),
      });
      // From now on the tab keeps to what its session does (a log that could not start is off).
      this.logWanted = Boolean(opened.log?.path);
      this.setLog(opened.log ?? { path: null });
      if (this.attempt > 0 && this.held === undefined) {
        this.feed.write('\r\n— reconnected —\r\n');
        this.provisional = true;
        this.confirmTimer = setTimeout(() => this.confirm(), CONFIRM_AFTER_MS);
      }
      this.setStatus({ state: 'connected' });
      if (this.typeahead) void this.hub.api.write(id, this.typeahead).catch(() => undefined);
      this.typeahead = '';
    } catch (error) {
      this.failed(error);
    }
  }

  /** Keyboard input; Enter on an exited shell starts a new one. */
  input(data: string): void {
    if (this.provisional && this.status.state === 'connected') this.confirm();
    if (this.status.state === 'exited' && data === ENTER) {
      void this.open();
      return;
    }
    if (this.id && this.status.state === 'connected')
      void this.hub.api.write(this.id, data).catch(() => undefined);
    else if (this.status.state === 'connecting' && this.typeahead.length + data.length <= TYPEAHEAD_LIMIT)
      this.typeahead += data;
  }

  resize(cols: number, rows: number): void {
    if (this.id && this.status.state === 'connected')
      void this.hub.api.resize(this.id, cols, rows).catch(() => undefined);
  }

  /**
   * The node's environment is not running: the session ends (if it has not already), with `reason`
   * on the screen and the overlay, and no retries until `release`.
   */
  hold(reason: string): void {
    if (this.held === reason || this.closed) return;
    this.held = reason;
    clearTimeout(this.timer);
    clearTimeout(this.confirmTimer);
    this.provisional = false;
    if (this.id) {
      this.detach?.();
      void this.hub.api.close(this.id).catch(() => undefined);
      this.id = undefined;
    }
    // The app's own lines are plain, not dim (SGR 2): dim on the light theme measured 3.1:1 against
    // its background, under the 4.5:1 text needs.
    this.feed.write(`\r\n[${reason}]\r\n`);
    this.setStatus({
      state: 'disconnected',
      message: reason,
      needsUser: true,
      errorCode: 'EnvironmentStopped',
    });
  }

  /** The environment runs again: reconnect at once. */
  release(): void {
    if (this.held === undefined) return;
    this.held = undefined;
    this.attempt = Math.max(this.attempt, 1);
    void this.open();
  }

  /** Reconnects now (the overlay's button). */
  retryNow(): void {
    void this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.confirmTimer);
    this.detach?.();
    this.feed.dispose();
    if (this.id) void this.hub.api.close(this.id).catch(() => undefined);
    this.id = undefined;
  }

  /** The reopened session works: later drops start the back-off from the beginning. */
  private confirm(): void {
    clearTimeout(this.confirmTimer);
    this.provisional = false;
    this.attempt = 0;
  }

  private exited(event: TerminalEvents['exit']): void {
    this.detach?.();
    this.id = undefined;
    clearTimeout(this.confirmTimer);
    if (this.closed) return;
    if (this.held !== undefined) {
      // A try while the environment is down: the gateway's answer is on the screen; still held.
      this.scheduleRetry(this.held);
      return;
    }
    if (event.reason !== undefined) {
      // The link ended without the shell saying so: the node or the gateway went away.
      this.scheduleRetry(event.reason);
      return;
    }
    if (this.provisional && event.code !== 0) {
      this.scheduleRetry('The gateway could not reach the node yet (its answer is in the terminal).');
      return;
    }
    const how = event.signal ? `signal ${event.signal}` : `code ${event.code ?? 0}`;
    this.feed.write(`\r\n[exited with ${how} — press Enter to start a new session]\r\n`);
    this.setStatus({ state: 'exited', message: `The session exited with ${how}.` });
  }

  private failed(error: unknown): void {
    const code = errorCode(error);
    if (code && NEEDS_USER.has(code)) {
      this.setStatus({
        state: 'disconnected',
        message: errorMessage(error),
        needsUser: true,
        errorCode: code,
      });
      return;
    }
    this.scheduleRetry(errorMessage(error), code);
  }

  private scheduleRetry(message: string, code?: string): void {
    this.provisional = false;
    if (this.held !== undefined) {
      this.setStatus({
        state: 'disconnected',
        message: this.held,
        needsUser: true,
        errorCode: 'EnvironmentStopped',
      });
      return;
    }
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)] ?? 30_000;
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this.setStatus({ state: 'disconnected', message, retryAt, ...(code ? { errorCode: code } : {}) });
    this.timer = setTimeout(() => void this.open(), delay);
  }

  private setLog(state: TerminalLogState): void {
    if (state.path) this.logPath = state.path;
    this.logState = state;
    this.onLog(state);
  }

  private setStatus(status: TerminalStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}
