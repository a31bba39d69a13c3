import { KnownAddresses } from './KnownAddresses.ts';
import { ProgressiveDelay, type DelayPolicy } from './ProgressiveDelay.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface LoginThrottleOptions {
  /** Wrong passwords and codes from one address (an IPv6 /64), whatever the login: rotating logins. */
  address: DelayPolicy;
  /** Wrong passwords for one login, from anywhere except the addresses it recently signed in from. */
  login: DelayPolicy;
  /** Wrong two-factor codes for one login, from anywhere; only a right code clears them. */
  code: DelayPolicy;
  /** Wrong codes one pending session may try before it is ended and the password must be given again. */
  codesPerSession: number;
  /** How long an address a login signed in from stays exempt from that login's password delay. */
  knownAddressMs: number;
  /** Keys each table holds at most (about 200 bytes each), so memory stays bounded. */
  maxTracked: number;
  now: () => number;
}

/**
 * Figures: a login's delay reaches its 5-minute cap after 13 wrong passwords, which then allows one guess
 * per 5 minutes (288 a day) and keeps the owner waiting at most 5 minutes from a new address. An
 * address gets 10 free failures (a shared office), then waits from 2 s up to 15 minutes. A two-factor
 * code is one in 10^6 (three steps valid at once), so codes are held tighter than passwords.
 */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  address: {
    freeFailures: 10,
    firstDelayMs: 2 * SECOND,
    maxDelayMs: 15 * MINUTE,
    forgetAfterMs: HOUR,
    maxInFlight: 8,
  },
  login: {
    freeFailures: 5,
    firstDelayMs: 2 * SECOND,
    maxDelayMs: 5 * MINUTE,
    forgetAfterMs: HOUR,
    maxInFlight: 8,
  },
  code: {
    freeFailures: 3,
    firstDelayMs: 5 * SECOND,
    maxDelayMs: 15 * MINUTE,
    forgetAfterMs: HOUR,
    maxInFlight: 3,
  },
  codesPerSession: 5,
  knownAddressMs: 30 * 24 * HOUR,
  maxTracked: 10_000,
  now: Date.now,
};

/** Why an attempt was not admitted, and for how long. */
export interface Refusal {
  refused: 'address' | 'login' | 'code';
  waitMs: number;
}

/** An admitted attempt: exactly one of its methods is called when its outcome is known. */
export interface Attempt {
  refused?: undefined;
  /** A wrong password or code. Answers how many codes the session has left (Infinity for passwords). */
  failed(): number;
  /** The right one; `signedIn` when it completes a sign-in, so its address becomes known. */
  succeeded(signedIn: boolean): void;
  /** Never checked (the server was busy): counts for nothing. */
  abandoned(): void;
}

export type Admission = Attempt | Refusal;

/**
 * Decides whether a password or two-factor code may be checked now, from the caller's address and the
 * login it names, and records the outcome. Three progressive delays (see ProgressiveDelay): per address,
 * per login for passwords, per login for codes; plus a cap on the wrong codes of one session.
 */
export class LoginThrottle {
  private readonly options: LoginThrottleOptions;
  private readonly addresses: ProgressiveDelay;
  private readonly passwords: ProgressiveDelay;
  private readonly codes: ProgressiveDelay;
  private readonly known: KnownAddresses;
  private readonly wrongCodesOfSession = new Map<string, number>();

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
    const { maxTracked, now } = this.options;
    this.addresses = new ProgressiveDelay(this.options.address, maxTracked, now);
    this.passwords = new ProgressiveDelay(this.options.login, maxTracked, now);
    this.codes = new ProgressiveDelay(this.options.code, maxTracked, now);
    this.known = new KnownAddresses(this.options.knownAddressMs, maxTracked, now);
  }

  /** A password check for `login` from `address` (a key from `sourceKey`). */
  admitPassword(login: string, address: string): Admission {
    const name = loginKey(login);
    // The owner's usual address skips the login's delay: a guesser elsewhere cannot lock them out.
    const logins = this.known.has(name, address) ? undefined : this.passwords;
    const refusal = this.admitBoth(address, logins, name, 'login');
    if (refusal) return refusal;
    return this.attempt(address, logins, name, () => Infinity);
  }

  /** A two-factor code for `login` on the pending session `sessionHash`, from `address`. */
  admitCode(login: string, address: string, sessionHash: string): Admission {
    const name = loginKey(login);
    const refusal = this.admitBoth(address, this.codes, name, 'code');
    if (refusal) return refusal;
    return this.attempt(address, this.codes, name, () => this.countWrongCode(sessionHash));
  }

  /** The session ended (signed out, or its code accepted): its count of wrong codes goes. */
  forgetSession(sessionHash: string): void {
    this.wrongCodesOfSession.delete(sessionHash);
  }

  /** Entries held in each table: for tests of the memory bound. */
  sizes(): { addresses: number; logins: number; codes: number; known: number; sessions: number } {
    return {
      addresses: this.addresses.size,
      logins: this.passwords.size,
      codes: this.codes.size,
      known: this.known.size,
      sessions: this.wrongCodesOfSession.size,
    };
  }

  private admitBoth(
    address: string,
    perLogin: ProgressiveDelay | undefined,
    name: string,
    refused: 'login' | 'code',
  ): Refusal | undefined {
    const addressWait = this.addresses.admit(address);
    if (addressWait > 0) return { refused: 'address', waitMs: addressWait };
    const loginWait = perLogin?.admit(name) ?? 0;
    if (loginWait > 0) {
      this.addresses.release(address);
      return { refused, waitMs: loginWait };
    }
    return undefined;
  }

  private attempt(
    address: string,
    perLogin: ProgressiveDelay | undefined,
    name: string,
    onWrong: () => number,
  ): Attempt {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      return true;
    };
    return {
      failed: () => {
        if (!settle()) return Infinity;
        this.addresses.failed(address);
        perLogin?.failed(name);
        return onWrong();
      },
      succeeded: (signedIn) => {
        if (!settle()) return;
        // An address's failures stand after a success: an attacker with an account of their own
        // must not wipe them by signing in to it between guesses.
        this.addresses.succeeded(address, false);
        perLogin?.succeeded(name, true);
        if (signedIn) this.known.remember(name, address);
      },
      abandoned: () => {
        if (!settle()) return;
        this.addresses.release(address);
        perLogin?.release(name);
      },
    };
  }

  /** Counts a wrong code on the session; answers how many it has left. */
  private countWrongCode(sessionHash: string): number {
    const wrong = (this.wrongCodesOfSession.get(sessionHash) ?? 0) + 1;
    this.wrongCodesOfSession.delete(sessionHash);
    const left = Math.max(0, this.options.codesPerSession - wrong);
    if (left > 0) this.wrongCodesOfSession.set(sessionHash, wrong);
    // Forgetting the oldest session's count only lets it try its remaining codes again, still under
    // the login's and the address's delays.
    while (this.wrongCodesOfSession.size > this.options.maxTracked) {
      const oldest = this.wrongCodesOfSession.keys().next().value;
      if (oldest === undefined) break;
      this.wrongCodesOfSession.delete(oldest);
    }
    return left;
  }
}

const loginKey = (login: string): string => login.trim().toLowerCase();
