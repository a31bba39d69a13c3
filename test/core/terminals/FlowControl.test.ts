import { describe, expect, it } from 'vitest';
import { FlowControl } from '../../../electron/core/terminals/FlowControl.ts';
import { TERMINAL_CHUNK_BYTES, TERMINAL_HIGH_WATER_BYTES } from '../../../shared/src/terminals.ts';

/** A source that records whether it is paused, as an SSH channel or a pty would be. */
class Source {
  paused = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

/** Runs flushes when the test says so, instead of after the I/O phase. */
class ManualSchedule {
  private pending: (() => void)[] = [];
  readonly schedule = (flush: () => void) => void this.pending.push(flush);
  run() {
    for (const flush of this.pending.splice(0)) flush();
  }
}

describe('terminal flow control', () => {
  it('sends the small packets of one I/O phase as one chunk', () => {
    const sent: Uint8Array[] = [];
    const timing = new ManualSchedule();
    const flow = new FlowControl(new Source(), (chunk) => sent.push(chunk), { schedule: timing.schedule });
    for (let i = 0; i < 50; i++) flow.push(new TextEncoder().encode(`line ${i}\r\n`));
    expect(sent).toHaveLength(0);
    timing.run();
    expect(sent).toHaveLength(1);
    expect(new TextDecoder().decode(sent[0])).toBe(
      Array.from({ length: 50 }, (_, i) => `line ${i}\r\n`).join(''),
    );
  });

  it('keeps stdout and stderr apart and in order', () => {
    const sent: [string, string][] = [];
    const timing = new ManualSchedule();
    const flow = new FlowControl<'stdout' | 'stderr'>(
      new Source(),
      (chunk, tag) => sent.push([tag, new TextDecoder().decode(chunk)]),
      { schedule: timing.schedule },
    );
    flow.push(new TextEncoder().encode('a'), 'stdout');
    flow.push(new TextEncoder().encode('b'), 'stdout');
    flow.push(new TextEncoder().encode('E'), 'stderr');
    flow.push(new TextEncoder().encode('c'), 'stdout');
    timing.run();
    expect(sent).toEqual([
      ['stdout', 'ab'],
      ['stderr', 'E'],
      ['stdout', 'c'],
    ]);
  });

  it('cuts big output into chunks that each own their buffer, pausing above the high-water mark', () => {
    const sent: Uint8Array[] = [];
    const source = new Source();
    const timing = new ManualSchedule();
    const flow = new FlowControl(source, (chunk) => sent.push(chunk), { schedule: timing.schedule });
    const pushes = Math.ceil((3 * TERMINAL_HIGH_WATER_BYTES) / (16 * 1024));
    const total = pushes * 16 * 1024;
    for (let i = 0; i < pushes; i++) flow.push(new Uint8Array(16 * 1024).fill(i % 251));
    timing.run();
    for (const chunk of sent) {
      expect(chunk.length).toBeLessThanOrEqual(TERMINAL_CHUNK_BYTES);
      expect(chunk.buffer.byteLength).toBe(chunk.length);
    }
    const first = sent.reduce((n, c) => n + c.length, 0);
    expect(first).toBeGreaterThanOrEqual(TERMINAL_HIGH_WATER_BYTES);
    expect(first).toBeLessThan(TERMINAL_HIGH_WATER_BYTES + TERMINAL_CHUNK_BYTES);
    expect(source.paused).toBe(true);
    flow.acknowledge(first);
    flow.acknowledge(Number.MAX_SAFE_INTEGER);
    flow.acknowledge(Number.MAX_SAFE_INTEGER);
    expect(sent.reduce((n, c) => n + c.length, 0)).toBe(total);
    expect(source.paused).toBe(false);
  });

  it('resumes the source once nothing waits in the core, and holds no more than it took before pausing', () => {
    const sent: Uint8Array[] = [];
    const source = new Source();
    const timing = new ManualSchedule();
    const flow = new FlowControl(source, (chunk) => sent.push(chunk), { schedule: timing.schedule });
    const sentBytes = () => sent.reduce((n, c) => n + c.length, 0);
    let pushed = 0;
    // A producer faster than the screen: 256 KiB per I/O phase while it is not paused.
    const PHASE_BYTES = 256 * 1024;
    for (let phase = 0; phase < 200; phase++) {
      if (!source.paused) {
        flow.push(new Uint8Array(PHASE_BYTES).fill(phase % 251));
        pushed += PHASE_BYTES;
      }
      timing.run();
      // The screen draws one chunk per phase.
      const drawn = Math.min(TERMINAL_CHUNK_BYTES, flow.pending);
      flow.acknowledge(drawn);
      // Held here: no more than what one phase delivered; unacknowledged: the window.
      expect(pushed - sentBytes()).toBeLessThanOrEqual(PHASE_BYTES);
      expect(flow.pending).toBeLessThanOrEqual(TERMINAL_HIGH_WATER_BYTES + TERMINAL_CHUNK_BYTES);
      // Paused only while output waits here, ready for the screen's next acknowledgement.
      if (source.paused) expect(pushed - sentBytes()).toBeGreaterThan(0);
    }
    // The screen drew a chunk in every phase: it never waited for the source.
    expect(pushed).toBeGreaterThanOrEqual(200 * TERMINAL_CHUNK_BYTES);
    flow.acknowledge(Number.MAX_SAFE_INTEGER);
    expect(sentBytes()).toBe(pushed);
    expect(source.paused).toBe(false);
  });

  it('reports drained only once gathered output has gone out', async () => {
    const sent: Uint8Array[] = [];
    const timing = new ManualSchedule();
    const flow = new FlowControl(new Source(), (chunk) => sent.push(chunk), { schedule: timing.schedule });
    flow.push(new Uint8Array([1, 2, 3]));
    let drained = false;
    const done = flow.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    timing.run();
    await done;
    expect(sent).toHaveLength(1);
  });
});
