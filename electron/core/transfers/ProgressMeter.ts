import type { TransferProgress } from '../../../shared/src/transfers.ts';

/** How far back the rate looks; long enough to smooth bursts, short enough to follow a change. */
const RATE_HALF_LIFE_MS = 2000;
const SAMPLE_MS = 200;

/**
 * Bytes, a smoothed rate and an ETA for one job, and the throttle that keeps its progress events
 * to at most one per `intervalMs`.
 */
export class ProgressMeter {
  private lastEmit = 0;
  private sampleAt: number;
  private sampleBytes: number;
  private rate = 0;
  private startAt: number;
  private startBytes: number;

  constructor(
    private bytes: number,
    private total: number,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sampleAt = now();
    this.sampleBytes = bytes;
    this.lastEmit = this.sampleAt;
    this.startAt = this.sampleAt;
    this.startBytes = bytes;
  }

  /** Starts a new run (after a retry) from `bytes` already in place. */
  reset(bytes: number, total: number): void {
    this.bytes = bytes;
    this.total = total;
    this.sampleAt = this.now();
    this.sampleBytes = bytes;
    this.lastEmit = this.sampleAt;
    this.startAt = this.sampleAt;
    this.startBytes = bytes;
    this.rate = 0;
  }

  set(bytes: number, total: number): void {
    this.bytes = bytes;
    this.total = total;
    const now = this.now();
    const elapsed = now - this.sampleAt;
    if (elapsed >= SAMPLE_MS) {
      const instant = ((bytes - this.sampleBytes) * 1000) / elapsed;
      // Exponential smoothing weighted by the sample's length, so uneven sampling stays fair.
      const keep = this.rate === 0 ? 0 : Math.pow(0.5, elapsed / RATE_HALF_LIFE_MS);
      this.rate = keep * this.rate + (1 - keep) * instant;
      this.sampleAt = now;
      this.sampleBytes = bytes;
    }
  }

  /** The event to send now, or undefined when the last one was less than `intervalMs` ago. */
  due(id: string): TransferProgress | undefined {
    const now = this.now();
    if (now - this.lastEmit < this.intervalMs) return undefined;
    this.lastEmit = now;
    return this.snapshot(id);
  }

  snapshot(id: string): TransferProgress {
    // Until the first full sample, the average so far: a fast transfer's events still carry a rate.
    const elapsed = this.now() - this.startAt;
    const average = elapsed > 0 ? ((this.bytes - this.startBytes) * 1000) / elapsed : 0;
    const rate = Math.round(this.rate > 0 ? this.rate : average);
    const left = Math.max(this.total - this.bytes, 0);
    return {
      id,
      bytes: this.bytes,
      total: this.total,
      rate,
      eta: left === 0 ? 0 : rate > 0 ? Math.ceil(left / rate) : null,
    };
  }
}
