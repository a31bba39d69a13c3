import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TerminalApi } from '../../../shared/src/terminals.ts';
import { AuthenticationFailed, NodeNotFound } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type {
  OpenedTerminal,
  TerminalEvents,
  TerminalLogChoice,
  TerminalSize,
} from '../../../shared/src/terminals.ts';
import { RETRY_DELAYS_MS, TerminalConnection, type TerminalStatus } from './TerminalConnection.ts';
import { TerminalHub } from './TerminalHub.ts';

/**
 * The terminal service as the core answers it, scripted: each open() takes the next outcome. The
 * real service is exercised end to end in test/e2e; this pins down the tab's retry rules.
 */
type Request = TerminalSize & { log?: TerminalLogChoice };

class ScriptedTerminals implements TerminalApi<Request> {
  readonly events = new Emitter<TerminalEvents>();
  readonly outcomes: (Error | 'ok')[] = [];
  readonly written: [string, string][] = [];
  readonly acked: [string, number][] = [];
  opened = 0;
  readonly requests: Request[] = [];
  /** Logging as the core does it: asked for, it continues the file named, or starts `/logs/tN.log`. */
  async open(request: Request): Promise<OpenedTerminal> {
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
    this.opened += 1;
    this.requests.push(request);
    const id = `t${this.opened}`;
    if (!request.log?.enabled) return { id };
    return { id, log: { path: request.log.continues ?? `/logs/${id}.log` } };
  }
  async startLog(id: string) {
    return { path: `/logs/${id}-started.log` };
  }
  async stopLog() {}
  async logFolder() {
    return { path: '/logs' };
  }
  async openLogFolder() {
    return { path: '/logs' };
  }
  async write(id: string, data: string) {
    this.written.push([id, data]);
  }
  async resize() {}
  async ack(id: string, bytes: number) {
    this.acked.push([id, bytes]);
  }
  readonly closed: string[] = [];
  async close(id: string) {
    this.closed.push(id);
  }
}

class Screen {
  cols = 80;
  rows = 24;
  text = '';
  write(data: Uint8Array | string, drawn?: () => void) {
    this.text += typeof data === 'string' ? data : new TextDecoder().decode(data);
    drawn?.();
  }
}

let api: ScriptedTerminals;
let screen: Screen;
let statuses: TerminalStatus[];
let link: TerminalConnection<TerminalSize>;
const state = () => statuses.at(-1)?.state;

beforeEach(() => {
  vi.useFakeTimers();
  api = new ScriptedTerminals();
  screen = new Screen();
  statuses = [];
  link = new TerminalConnection(
    new TerminalHub(api),
    (size) => size,
    screen,
    (s) => statuses.push(s),
  );
});
afterEach(() => {
  link.close();
  vi.useRealTimers();
});

describe('a terminal tab’s connection', () => {
  it('draws output, acknowledges it, and sends keys typed while it opened', async () => {
    link.input('ls\r');
    await link.open();
    expect(state()).toBe('connected');
    expect(api.written).toEqual([['t1', 'ls\r']]);
    api.events.emit('data', { id: 't1', data: new TextEncoder().encode('hello') });
    expect(screen.text).toBe('hello');
    // Acknowledged after the turn that drew it (see acknowledgements.ts).
    await Promise.resolve();
    expect(api.acked).toEqual([['t1', 5]]);
    api.events.emit('data', { id: 'someone-else', data: new TextEncoder().encode('x') });
    expect(screen.text).toBe('hello');
  });

  it('reconnects with back-off after the link drops', async () => {
    await link.open();
    api.events.emit('exit', { id: 't1', code: null, signal: null, reason: 'The connection closed.' });
    expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', message: 'The connection closed.' });
    api.outcomes.push(new Error('connect ECONNREFUSED'));
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0]);
    expect(state()).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[1]);
    expect(state()).toBe('connected');
    expect(screen.text).toContain('reconnected');
  });

  it('treats a reopened session the gateway ends at once as one more failed attempt', async () => {
    await link.open();
    api.events.emit('exit', { id: 't1', code: null, signal: null, reason: 'The connection closed.' });
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0]);
    expect(state()).toBe('connected');
    // "Environment shop is stopped" and exit 1, from the gateway.
    api.events.emit('exit', { id: 't2', code: 1, signal: null });
    expect(state()).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[1]);
    expect(state()).toBe('connected');
  });

  it('waits for Enter after the shell itself exits', async () => {
    await link.open();
    link.input('x');
    api.events.emit('exit', { id: 't1', code: 0, signal: null });
    expect(state()).toBe('exited');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.opened).toBe(1);
    link.input('\r');
    await vi.advanceTimersByTimeAsync(0);
    expect(api.opened).toBe(2);
    expect(state()).toBe('connected');
  });

  it('does not retry what needs the user, and says so', async () => {
    api.outcomes.push(new AuthenticationFailed('The gateway refused the key: add it to the dashboard.'));
    await link.open();
    expect(statuses.at(-1)).toMatchObject({
      state: 'disconnected',
      needsUser: true,
      errorCode: 'AuthenticationFailed',
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(api.opened).toBe(0);
    api.outcomes.push(new NodeNotFound('Node 1 is not yours.'));
    link.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toMatchObject({ needsUser: true, errorCode: 'NodeNotFound' });
  });

  it('ends the session while its environment is down, retries nothing, and reconnects once it runs', async () => {
    await link.open();
    // The sessions drop while the platform stops the environment: a retry is scheduled at first.
    api.events.emit('exit', { id: 't1', code: null, signal: null, reason: 'The connection closed.' });
    link.hold('Environment shop is stopped.');
    expect(statuses.at(-1)).toMatchObject({
      state: 'disconnected',
      message: 'Environment shop is stopped.',
      needsUser: true,
      errorCode: 'EnvironmentStopped',
    });
    expect(screen.text).toContain('[Environment shop is stopped.]');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(api.opened).toBe(1);

    // "Try again" while it is down: the gateway's answer is drawn, and the tab stays held.
    link.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.opened).toBe(2);
    expect(screen.text).not.toContain('reconnected');
    api.events.emit('exit', { id: 't2', code: 1, signal: null });
    expect(statuses.at(-1)).toMatchObject({ state: 'disconnected', message: 'Environment shop is stopped.' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(api.opened).toBe(2);

    link.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.opened).toBe(3);
    expect(state()).toBe('connected');
    expect(screen.text).toContain('reconnected');
  });

  it('closes an open session when its environment goes down under it', async () => {
    await link.open();
    link.hold('Environment shop is stopping from this app.');
    expect(api.closed).toEqual(['t1']);
    // Output or an exit of the ended session no longer reaches the tab.
    api.events.emit('data', { id: 't1', data: new TextEncoder().encode('late') });
    expect(screen.text).not.toContain('late');
    link.input('ls\r');
    expect(api.written).toEqual([]);
  });

  it('keeps one log file for the tab across a reconnect, and none once logging is stopped', async () => {
    const logs: (string | null)[] = [];
    const logged = new TerminalConnection(
      new TerminalHub(api),
      (size, log) => ({ ...size, log }),
      screen,
      () => undefined,
      (state) => logs.push(state.path),
    );
    await logged.open();
    // The first session follows Settings (nothing said); this one was not logged.
    expect(api.requests[0]?.log).toEqual({});
    await logged.startLog();
    expect(logs.at(-1)).toBe('/logs/t1-started.log');
    api.events.emit('exit', { id: 't1', code: null, signal: null, reason: 'The connection closed.' });
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0]);
    expect(api.requests[1]?.log).toEqual({ enabled: true, continues: '/logs/t1-started.log' });
    expect(logs.at(-1)).toBe('/logs/t1-started.log');
    // A write error in the core stops the log and says why.
    api.events.emit('log', { id: 't2', path: null, error: 'The disk is full.' });
    expect(logged.log).toEqual({ path: null, error: 'The disk is full.' });
    await logged.stopLog();
    api.events.emit('exit', { id: 't2', code: null, signal: null, reason: 'The connection closed.' });
    // The second drop in a row waits the second delay.
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[1]);
    expect(api.requests[2]?.log).toEqual({ enabled: false });
    expect(logs.at(-1)).toBeNull();
    logged.close();
  });
});
