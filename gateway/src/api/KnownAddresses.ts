/** Addresses remembered per login; the oldest is dropped beyond this. */
const PER_LOGIN = 4;

/**
 * The addresses (keys from `sourceKey`) each login recently signed in from. A login's delay for
 * wrong passwords does not apply to them, so a guesser elsewhere cannot keep the owner out: the
 * owner's usual address is still held to its own per-address limit.
 *
 * Bounded: at most `maxLogins` logins, the least recently used forgotten first, which costs the
 * forgotten login only its exemption.
 */
export class KnownAddresses {
  private readonly logins = new Map<string, { address: string; at: number }[]>();

  constructor(
    private readonly rememberMs: number,
    private readonly maxLogins: number,
    private readonly now: () => number,
  ) {}

  remember(login: string, address: string): void {
    const now = this.now();
    const kept = (this.logins.get(login) ?? []).filter((known) => known.address !== address);
    this.logins.delete(login);
    this.logins.set(login, [{ address, at: now }, ...kept].slice(0, PER_LOGIN));
    while (this.logins.size > this.maxLogins) {
      const oldest = this.logins.keys().next().value;
      if (oldest === undefined) break;
      this.logins.delete(oldest);
    }
  }

  has(login: string, address: string): boolean {
    const now = this.now();
    return (this.logins.get(login) ?? []).some(
      (known) => known.address === address && now - known.at < this.rememberMs,
    );
  }

  /** Logins held now: for tests of the memory bound. */
  get size(): number {
    return this.logins.size;
  }
}
