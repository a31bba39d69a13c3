/**
 * Per-source lockout, as Warpgate does it (5 failures in 15 minutes → blocked for 30 minutes) and
 * OpenSSH's PerSourcePenalties. A "failure" is a connection that ended without logging in (a
 * refused key, a `none`-only probe, garbage, or silence until the login grace time — OpenSSH's
 * `noauth` penalty): counting connections rather than single attempts means a user whose agent
 * offers a few wrong keys first still gets in on the same connection, while a scanner is blocked
 * after a handful of connections. Callers pass a source key (see ../sourceKey.ts), not a raw address.
 */
export interface PenaltyRules {
  failures: number;
  windowMs: number;
  blockMs: number;
}

/** Memory bounds; a test may lower them to prove the behaviour at the edge. */
export interface PenaltyLimits {
  /** Sources with recent failures but no block; least recently failed are forgotten first. */
  maxCounting: number;
  /** Sources currently blocked; a block is never evicted early, only expired. */
  maxBlocked: number;
}

/**
 * 10,000 counting sources × (key + up to 5 timestamps) is about 2 MB; the same for blocks. Beyond
 * `maxBlocked` live blocks a new offender is not blocked (OpenSSH's overflow=permissive): the
 * alternative, refusing every unknown source, would let a botnet of 10,000 addresses lock every
 * honest user out, whereas a permissive overflow still leaves the per-source share of
 * unauthenticated slots and random early drop limiting what the extra offenders can do.
 */
/** What one failed connection did to its source. */
export type PenaltyOutcome = 'counted' | 'blocked' | 'overflow';

export const DEFAULT_PENALTY_LIMITS: Readonly<PenaltyLimits> = Object.freeze({
  maxCounting: 10_000,
  maxBlocked: 10_000,
});

export class SourcePenalties {
  /** Failure times per source, oldest first, in least-recently-failed order (Map order). */
  private readonly counting = new Map<string, number[]>();
  /** Block expiry per source. */
  private readonly blocked = new Map<string, number>();
  /** Offenders not blocked because the block table was full, for tests. */
  overflowed = 0;

  constructor(
    private readonly rules: PenaltyRules,
    private readonly now: () => number = Date.now,
    private readonly limits: PenaltyLimits = DEFAULT_PENALTY_LIMITS,
  ) {}

  /** Milliseconds left on the source's block, or 0 when it may connect. */
  blockedFor(source: string): number {
    const until = this.blocked.get(source);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.blocked.delete(source);
    return 0;
  }

  /**
   * Records one failed connection. `blocked`: this failure started a block; `overflow`: it reached
   * the limit but the block table is full, so the source was let through (see DEFAULT_PENALTY_LIMITS).
   */
  recordFailure(source: string): PenaltyOutcome {
    const now = this.now();
    if (this.blockedFor(source) > 0) return 'counted';
    const failures = (this.counting.get(source) ?? []).filter((at) => now - at < this.rules.windowMs);
    failures.push(now);
    // Re-inserting keeps the map in least-recently-failed order for eviction.
    this.counting.delete(source);
    let outcome: PenaltyOutcome = 'counted';
    if (failures.length >= this.rules.failures) {
      if (this.block(source, now)) return 'blocked';
      outcome = 'overflow';
    }
    this.counting.set(source, failures.slice(-this.rules.failures));
    while (this.counting.size > this.limits.maxCounting) {
      const oldest = this.counting.keys().next();
      if (oldest.done) break;
      this.counting.delete(oldest.value);
    }
    return outcome;
  }

  /** A successful login clears the source's failures, as a correct PIN resets a card's counter. */
  recordSuccess(source: string): void {
    this.counting.delete(source);
  }

  /** Sources held in memory, counting and blocked: what the limits bound. */
  get trackedSources(): number {
    return this.counting.size + this.blocked.size;
  }

  private block(source: string, now: number): boolean {
    if (this.blocked.size >= this.limits.maxBlocked) this.purgeExpired(now);
    if (this.blocked.size >= this.limits.maxBlocked) {
      this.overflowed++;
      return false;
    }
    this.blocked.set(source, now + this.rules.blockMs);
    return true;
  }

  /**
   * Every block lasts `blockMs` and a source is blocked again only after its last block has been
   * removed, so the table's insertion order is expiry order: expired blocks are at the front, and
   * purging stops at the first live one. A full table of 10,000 live blocks therefore costs one
   * look per further offender, not a walk over all 10,000 (a spray of offenders would otherwise buy
   * 10,000 steps of the gateway's only thread per connection).
   */
  private purgeExpired(now: number): void {
    for (const [source, until] of this.blocked) {
      if (until > now) return;
      this.blocked.delete(source);
    }
  }
}
