import { afterAll, describe, expect, it } from 'vitest';
import { LocalTerminals } from '../../../electron/core/terminals/LocalTerminals.ts';
import { exitOf as exitOfTerminal, outputUntil } from '../support/terminalOutput.ts';
import { TERMINAL_HIGH_WATER_BYTES, TERMINAL_CHUNK_BYTES } from '../../../shared/src/terminals.ts';

const terminals = new LocalTerminals();
afterAll(() => terminals.closeAll());

const output = (id: string, until: RegExp) => outputUntil(terminals, id, until);
const exitOf = (id: string) => exitOfTerminal(terminals, id);

describe('local terminals (node-pty)', () => {
  it('runs a real shell in a pty with the requested size', async () => {
    const { id } = await terminals.spawn(
      { cols: 90, rows: 33 },
      { file: '/bin/bash', args: ['--norc', '-i'] },
    );
    const answer = output(id, /\b42\b/);
    await terminals.write(id, 'echo $((6*7))\n');
    await answer;
    const size = output(id, /33 90/);
    await terminals.write(id, 'stty size\n');
    await size;
    const exited = exitOf(id);
    await terminals.write(id, 'exit 4\n');
    expect((await exited).code).toBe(4);
  });

  it('pauses output nobody acknowledges, then delivers all of it', async () => {
    const total = 4 * 1024 * 1024;
    const { id } = await terminals.spawn(
      { cols: 80, rows: 24 },
      // node-pty drops a pty's last output when its process exits while the event loop is more than
      // 200 ms behind (its DESTROY_SOCKET_TIMEOUT_MS) — node-pty's race, not flow control's — so the
      // command lingers a moment after writing.
      { file: '/bin/sh', args: ['-c', `head -c ${total} /dev/zero | tr '\\0' y; sleep 1`] },
    );
    let received = 0;
    let maxPending = 0;
    const unacked: number[] = [];
    const stop = terminals.events.on('data', (event) => {
      if (event.id !== id) return;
      received += event.data.length;
      unacked.push(event.data.length);
      maxPending = Math.max(maxPending, terminals.pending(id));
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received).toBeLessThan(total);
    expect(maxPending).toBeLessThanOrEqual(TERMINAL_HIGH_WATER_BYTES + 4 * TERMINAL_CHUNK_BYTES);
    const exited = exitOf(id);
    const drain = setInterval(() => {
      const bytes = unacked.splice(0).reduce((a, b) => a + b, 0);
      if (bytes) void terminals.ack(id, bytes);
    }, 10);
    await exited;
    clearInterval(drain);
    stop();
    expect(received).toBe(total);
  });
});
