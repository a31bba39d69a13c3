/**
 * Authenticated connections per user, so that one tenant cannot take all of the gateway's
 * descriptors and memory by opening connections without end (each holds a socket, ssh2's state
 * and up to `maxChannelsPerConnection` channels). Counted when a connection becomes ready and
 * released when it closes.
 */
export class UserConnections {
  private readonly open = new Map<number, number>();

  constructor(private readonly limit: number) {}

  /** Takes a place for `uid`; false when the user already has `limit` connections open. */
  take(uid: number): boolean {
    const count = this.open.get(uid) ?? 0;
    if (count >= this.limit) return false;
    this.open.set(uid, count + 1);
    return true;
  }

  release(uid: number): void {
    const count = (this.open.get(uid) ?? 1) - 1;
    if (count <= 0) this.open.delete(uid);
    else this.open.set(uid, count);
  }

  count(uid: number): number {
    return this.open.get(uid) ?? 0;
  }
}
