import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TerminalApi } from '../../../shared/src/terminals.ts';
import { AuthenticationFailed, NodeNotFound } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { TerminalEvents, TerminalSize } from '../../../shared/src/terminals.ts';
import { RETRY_DELAYS_MS, TerminalConnection, type TerminalStatus } from './TerminalConnection.ts';
import { TerminalHub } from './TerminalHub.ts';

/**
 * The terminal service as the core answers it, scripted: each open() takes the next outcome. The
 * real service is exercised end to end in test/e2e; this pins down the tab's retry rules.
 */
class ScriptedTerminals implements TerminalApi<TerminalSize> {
  readonly events = new Emitter<TerminalEvents>();
  readonly outcomes: (Error | 'ok')[] = [];
  readonly written: [string, string][] = [];
  readonly acked: [string, number][] = [];
  opened = 0;
  async open(): Promise<{ id: string }> {
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
    this.opened += 1;
    return { id: `t${this.opened}` };
  }
  async write(id: string, data: string) {
    this.written.push([id, data]);
  }
  async resize() {}
  async ack(id: string, bytes: number) {
    this.acked.push([id, bytes]);
  }
  async close() {}
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
});
