/**
 * Authenticated connections per user, so that one tenant cannot take all of the gateway's
 * descriptors and memory by opening connections without end (each holds a socket, ssh2's state
 * and up to `maxChannelsPerConnection` channels). Counted when a connection becomes ready and
 * released when it closes.
 *
 * A connection over the limit is kept for a moment to tell its client why (its channel is refused
 * with the reason), but those are counted too: without a bound, a tenant opening connections in a
 * loop would hold every one of them for that moment, and the limit would bound nothing. Past
 * `noticeLimit` of them the next is closed at once, with only the audit line.
 */
export type UserAdmission = 'open' | 'notice' | 'drop';

/** Over-limit connections per user that are told why before they are closed. */
export const OVER_LIMIT_NOTICES = 4;

export class UserConnections {
  private readonly open = new Map<number, number>();
  private readonly noticing = new Map<number, number>();

  constructor(
    private readonly limit: number,
    private readonly noticeLimit = OVER_LIMIT_NOTICES,
  ) {}

  /**
   * `open`: the connection counts toward the user's limit; `notice`: over the limit, kept a while to
   * say why; `drop`: over the limit with `noticeLimit` such connections already open.
   */
  admit(uid: number): UserAdmission {
    if (count(this.open, uid) < this.limit) {
      add(this.open, uid, 1);
      return 'open';
    }
    if (count(this.noticing, uid) < this.noticeLimit) {
      add(this.noticing, uid, 1);
      return 'notice';
    }
    return 'drop';
  }

  /** Gives back what `admit` took (nothing for `drop`). */
  release(uid: number, admission: UserAdmission): void {
    if (admission === 'open') add(this.open, uid, -1);
    else if (admission === 'notice') add(this.noticing, uid, -1);
  }

  /** Connections counting toward the user's limit. */
  count(uid: number): number {
    return count(this.open, uid);
  }
}

function count(map: Map<number, number>, uid: number): number {
  return map.get(uid) ?? 0;
}

function add(map: Map<number, number>, uid: number, delta: number): void {
  const next = count(map, uid) + delta;
  if (next <= 0) map.delete(uid);
  else map.set(uid, next);
}
