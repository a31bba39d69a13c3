/**
 * Per-source lockout, as Warpgate does it (5 failures in 15 minutes → blocked for 30 minutes) and
 * OpenSSH's PerSourcePenalties. A "failure" is a connection that ended without logging in after
 * at least one refused attempt (or that ran out its login grace time): counting connections
 * rather than single attempts means a user whose agent offers a few wrong keys first is not
 * locked out, while a scanner is after a handful of connections.
 */
export interface PenaltyRules {
  failures: number;
  windowMs: number;
  blockMs: number;
}

interface SourceRecord {
  /** Times of recent failures, oldest first, never more than `failures` of them. */
  failures: number[];
  blockedUntil: number;
}

/** Bounds memory when a botnet sprays from many addresses: the oldest records go first. */
const MAX_TRACKED_SOURCES = 10_000;

export class SourcePenalties {
  private readonly sources = new Map<string, SourceRecord>();

  constructor(
    private readonly rules: PenaltyRules,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds left on the source's block, or 0 when it may connect. */
  blockedFor(source: string): number {
    const record = this.sources.get(source);
    if (!record) return 0;
    const left = record.blockedUntil - this.now();
    return left > 0 ? left : 0;
  }

  /** Records one failed connection; returns true when this failure started a block. */
  recordFailure(source: string): boolean {
    const now = this.now();
    let record = this.sources.get(source);
    if (record) {
      // Re-inserting keeps the map in least-recently-failed order for eviction.
      this.sources.delete(source);
    } else {
      record = { failures: [], blockedUntil: 0 };
    }
    this.sources.set(source, record);
    record.failures = record.failures.filter((at) => now - at < this.rules.windowMs);
    record.failures.push(now);
    this.evictOldest();
    if (record.failures.length >= this.rules.failures) {
      record.failures = [];
      record.blockedUntil = now + this.rules.blockMs;
      return true;
    }
    return false;
  }

  /** A successful login clears the source's record, as a correct PIN resets a card's counter. */
  recordSuccess(source: string): void {
    const record = this.sources.get(source);
    if (record && record.blockedUntil <= this.now()) this.sources.delete(source);
  }

  private evictOldest(): void {
    while (this.sources.size > MAX_TRACKED_SOURCES) {
      const oldest = this.sources.keys().next();
      if (oldest.done) return;
      this.sources.delete(oldest.value);
    }
  }
}
