export interface LoginThrottleOptions {
  /** Failures within `windowMs` that lock the login. */
  maxFailures: number;
  windowMs: number;
  /** How long a locked login is refused. */
  lockMs: number;
  /** Logins tracked at once; the oldest entry is forgotten beyond it so memory stays bounded. */
  maxTracked: number;
  now: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxTracked: 10_000,
  now: Date.now,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Refuses sign-in for a login after repeated wrong passwords, like Warpgate's 5-in-15-minutes rule.
 * Keyed by login rather than address so that a password guesser gains nothing by rotating addresses.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly options: LoginThrottleOptions;

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /** Milliseconds the login must still wait, or 0 when it may try. */
  retryAfter(login: string): number {
    const entry = this.entries.get(key(login));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.options.now());
  }

  recordFailure(login: string): void {
    const k = key(login);
    const now = this.options.now();
    const entry = this.entries.get(k) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((at) => now - at < this.options.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.options.maxFailures) {
      entry.lockedUntil = now + this.options.lockMs;
      entry.failures = [];
    }
    // Re-insert so Map order is least-recently-failed first, then trim the oldest.
    this.entries.delete(k);
    this.entries.set(k, entry);
    while (this.entries.size > this.options.maxTracked) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  recordSuccess(login: string): void {
    this.entries.delete(key(login));
  }
}

const key = (login: string): string => login.trim().toLowerCase();
