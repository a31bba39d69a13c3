/**
 * A larger receive window for one ssh2 channel.
 *
 * ssh2 1.17 grants every channel a fixed 2 MiB window and tops it up only once it has fallen to
 * 1 MiB, so a peer may have as little as 1 MiB in flight towards us. Through the gateway every
 * byte crosses two more SSH hops and two more event loops, and a download stalls whenever the
 * WINDOW_ADJUST that reopens the window is late. OpenSSH's client tops up after every few packets
 * and so keeps its full window open; this keeps a larger one open the same way.
 *
 * It sends the extra CHANNEL_WINDOW_ADJUST messages through ssh2's own protocol object and adds
 * them to `channel.incoming.window`, ssh2's count of what the peer may still send, so ssh2's own
 * top-ups (and its refusal of data beyond the window) stay correct. When the internals are not as
 * expected on the channel at hand it changes nothing: ssh2's own window is the public path.
 */

/** The parts of an ssh2 1.17 channel (a `Channel` or an `SFTP` client) this uses; not in its typings. */
interface ChannelInternals {
  incoming: { window: number };
  outgoing: { id: number; state: string };
  _client: { _protocol: { channelWindowAdjust(id: number, amount: number): void } };
  /** ssh2 hands every CHANNEL_DATA payload to `push`; `false` means the reader is full. */
  push(chunk: Buffer | null): boolean | undefined;
  /** A `Channel`'s unread bytes (it is a Readable); an `SFTP` client parses as it receives. */
  readableLength?: number;
}

/**
 * ssh2 1.17's own window (`MAX_WINDOW` in its internal lib/Channel.js, checked at start-up by
 * startupCheck.ts): sizes up to it need nothing done.
 */
const SSH2_WINDOW = 2 * 1024 * 1024;

/** The largest window SSH allows (RFC 4254 §5.2). */
const MAX_SSH_WINDOW = 2 ** 32 - 1;

const isInternals = (channel: object): channel is ChannelInternals => {
  const c = channel as Partial<ChannelInternals>;
  return (
    typeof c.incoming?.window === 'number' &&
    typeof c.outgoing?.id === 'number' &&
    typeof c._client?._protocol?.channelWindowAdjust === 'function' &&
    typeof c.push === 'function'
  );
};

/**
 * Keeps up to `size` bytes of receive window open on `channel`, less what it holds unread, so
 * memory stays bounded by `size`: bytes a reader has not taken yet are not granted again, and
 * while the channel's reader is full (`push` returned false) nothing is granted at all — ssh2
 * resumes its own top-ups once the reader drains, and the next data received restores the rest.
 * Returns whether the window was enlarged (false when ssh2's internals are not as expected).
 */
export function enlargeReceiveWindow(channel: object, size: number): boolean {
  const target = Math.min(Math.floor(size), MAX_SSH_WINDOW);
  if (target <= SSH2_WINDOW || !isInternals(channel)) return false;
  // Top up in steps: one WINDOW_ADJUST per eighth of the window, not one per packet.
  const step = Math.max(32 * 1024, Math.floor(target / 8));
  const { incoming, outgoing } = channel;
  const protocol = channel._client._protocol;

  const topUp = (least: number) => {
    if (outgoing.state !== 'open' && outgoing.state !== 'eof') return;
    const grant = target - (channel.readableLength ?? 0) - incoming.window;
    if (grant < least) return;
    incoming.window += grant;
    protocol.channelWindowAdjust(outgoing.id, grant);
  };

  const push = channel.push.bind(channel);
  // ssh2 lowers `incoming.window` by the payload's length before calling push and checks it
  // after; topping up here, in between, keeps its own (smaller) top-up from ever being due.
  channel.push = (chunk) => {
    const accepted = push(chunk);
    if (chunk !== null && accepted !== false) topUp(step);
    return accepted;
  };
  topUp(1);
  return true;
}
