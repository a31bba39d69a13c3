import { availableParallelism } from 'node:os';

export interface PasswordQueueOptions {
  /** Password hashes computed at once: each scrypt takes 128 MiB and a core. */
  concurrency: number;
  /** Checks waiting for a turn; beyond them a caller is told to come back, at once. */
  maxWaiting: number;
}

/**
 * 2 at once at most, whatever the cores: 256 MiB of scrypt memory, and libuv's 4 pool threads, which
 * file access shares, are never all taken. Measured on the 2-core test machine (N=2^17, r=8): 1.1 s for
 * one hash alone, 1.6–1.7 s for two at once.
 */
export const DEFAULT_PASSWORD_QUEUE: PasswordQueueOptions = {
  concurrency: Math.max(1, Math.min(2, availableParallelism())),
  maxWaiting: 16,
};

/** The queue is full: come back in `retryAfterMs`. */
export class PasswordQueueFull extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Too many password checks at once; try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'PasswordQueueFull';
  }
}

export interface PasswordQueueStats {
  running: number;
  waiting: number;
  /** The most hashes ever computed at once. */
  peakRunning: number;
  completed: number;
  /** Checks turned away because the queue was full. */
  refused: number;
}

/** Before anything is measured: about one hash alone on the test machine. */
const FIRST_ESTIMATE_MS = 1000;

/**
 * Every password hash and check of the platform API goes through here, so a burst of sign-ins takes
 * at most `concurrency` × 128 MiB and a bounded wait, and the rest get a prompt "try again" instead of
 * piling up in memory.
 */
export class PasswordQueue {
  private readonly options: PasswordQueueOptions;
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private peakRunning = 0;
  private completed = 0;
  private refused = 0;
  private averageMs = FIRST_ESTIMATE_MS;

  constructor(options: Partial<PasswordQueueOptions> = {}) {
    this.options = { ...DEFAULT_PASSWORD_QUEUE, ...options };
    if (!(this.options.concurrency >= 1) || !(this.options.maxWaiting >= 0)) {
      throw new Error('PasswordQueue needs concurrency ≥ 1 and maxWaiting ≥ 0.');
    }
  }

  /** Runs `work` in its turn; throws PasswordQueueFull at once when too many are waiting. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.options.concurrency) {
      this.running++;
    } else if (this.waiting.length < this.options.maxWaiting) {
      // A finishing run hands its place over without lowering `running`.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.refused++;
      throw new PasswordQueueFull(this.estimatedWaitMs());
    }
    this.peakRunning = Math.max(this.peakRunning, this.running);
    const started = performance.now();
    try {
      return await work();
    } finally {
      // A running average of the measured duration, for the "try again in N s" estimate.
      this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
      this.completed++;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  stats(): PasswordQueueStats {
    return {
      running: this.running,
      waiting: this.waiting.length,
      peakRunning: this.peakRunning,
      completed: this.completed,
      refused: this.refused,
    };
  }

  /** How long until everything running and waiting now is done. */
  private estimatedWaitMs(): number {
    const rounds = Math.ceil((this.running + this.waiting.length) / this.options.concurrency);
    return Math.max(1000, rounds * this.averageMs);
  }
}
