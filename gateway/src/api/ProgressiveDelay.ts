/** How one kind of key (an address, a login) is slowed down by its failures. */
export interface DelayPolicy {
  /** Consecutive failures that cost nothing (typos); each one after them makes the next try wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further failure. */
  firstDelayMs: number;
  /** The wait never grows beyond this, so the owner of a login can always try again within it. */
  maxDelayMs: number;
  /** A key with no failure for this long starts again from nothing (more than `maxDelayMs`). */
  forgetAfterMs: number;
  /** Attempts of one key being checked at the same time; more are asked to come back shortly. */
  maxInFlight: number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  inFlight: number;
}

/** What a caller refused while another attempt of its key is being checked is told to wait. */
const IN_FLIGHT_WAIT_MS = 1000;

/**
 * Progressive delay per key, instead of a lock: after the free failures, each failure sets the
 * earliest time of the next attempt (2 s, 4 s, 8 s … up to the cap), and an attempt refused for
 * being early is not a failure and does not move that time. So a guesser is slowed down, while the
 * owner of the key, with the right password, gets in as soon as the wait has passed.
 *
 * An attempt counts as in flight from admission to its outcome, and once a key's failures plus its
 * attempts in flight reach the free ones, attempts are checked one at a time: a burst of concurrent
 * guesses cannot all be admitted before the first of them is counted.
 *
 * At most `maxTracked` keys are held. When full, forgotten entries go first, then the entry whose
 * delay has passed longest ago or is nearest its end, never one with an attempt in flight: to push
 * out a live delay an attacker must create `maxTracked` live delays of its own.
 */
export class ProgressiveDelay {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: DelayPolicy,
    private readonly maxTracked: number,
    private readonly now: () => number,
  ) {}

  /** Counts an attempt of `key` as in flight and answers 0, or answers how many ms it must wait. */
  admit(key: string): number {
    const entry = this.live(key);
    if (entry) {
      const wait = this.waitOf(entry);
      if (wait > 0) return wait;
      entry.inFlight++;
      return 0;
    }
    this.makeRoom();
    this.entries.set(key, { failures: 0, lastFailureAt: 0, inFlight: 1 });
    return 0;
  }

  /** The admitted attempt of `key` was wrong. */
  failed(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    entry.failures++;
    entry.lastFailureAt = this.now();
  }

  /** The admitted attempt of `key` was right: `reset` clears its failures, otherwise they stand. */
  succeeded(key: string, reset: boolean): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (reset) entry.failures = 0;
    this.release(key);
  }

  /** The admitted attempt of `key` was never checked (the server was busy): it counts for nothing. */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (entry.failures === 0 && entry.inFlight === 0) this.entries.delete(key);
  }

  /** Keys held now: for tests of the memory bound. */
  get size(): number {
    return this.entries.size;
  }

  private waitOf(entry: Entry): number {
    if (entry.inFlight >= this.policy.maxInFlight) return IN_FLIGHT_WAIT_MS;
    if (entry.failures + entry.inFlight < this.policy.freeFailures) return 0;
    const remaining = Math.max(0, this.allowedAt(entry) - this.now());
    // The outcome of the attempt in flight decides the next wait; until then, one at a time.
    return entry.inFlight > 0 ? Math.max(remaining, IN_FLIGHT_WAIT_MS) : remaining;
  }

  private allowedAt(entry: Entry): number {
    const beyond = entry.failures - this.policy.freeFailures;
    if (beyond < 0) return 0;
    // 2^beyond overflows to Infinity long after the cap applies; Math.min keeps it finite.
    return entry.lastFailureAt + Math.min(this.policy.firstDelayMs * 2 ** beyond, this.policy.maxDelayMs);
  }

  private forgotten(entry: Entry, now: number): boolean {
    return entry.inFlight === 0 && now - entry.lastFailureAt >= this.policy.forgetAfterMs;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.forgotten(entry, this.now())) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxTracked) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (this.forgotten(entry, now)) this.entries.delete(key);
    if (this.entries.size < this.maxTracked) return;
    let victim: string | undefined;
    let earliest = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.inFlight > 0) continue;
      const allowedAt = this.allowedAt(entry);
      if (allowedAt < earliest) {
        earliest = allowedAt;
        victim = key;
      }
    }
    if (victim !== undefined) this.entries.delete(victim);
  }
}
