import type { Connection, Session } from 'ssh2';

/*
 * ssh2 1.17's server forgets one case of RFC 4254 §5.3: when a client closes a session channel on
 * which nothing was started (no shell, exec or subsystem), it neither answers with its own
 * CHANNEL_CLOSE nor frees the channel. The client then waits for the close forever, and the gateway
 * keeps the session (and everything its handlers hold) until the connection ends — so a client
 * opening and closing sessions in a loop grows the gateway's memory without bound. This answers for
 * ssh2, through the two internals involved. There is no public path: when the internals are not
 * there, nothing is done and the close stays unanswered, as in plain ssh2.
 */

interface SessionInternals {
  _channel?: unknown;
  _chanInfo?: { incoming: { id: number }; outgoing: { id: number } };
}

interface ConnectionInternals {
  _chanMgr?: { remove(id: number): void };
  _protocol?: { channelClose(id: number): void };
}

/**
 * Call on a session's 'close' (the client's CHANNEL_CLOSE): finishes the close of a bare session.
 * Returns whether it answered for ssh2.
 */
export function finishBareSessionClose(connection: Connection, session: Session): boolean {
  const internals = session as unknown as SessionInternals;
  // A started session is closed by ssh2 itself, with its channel.
  if (internals._channel !== undefined || !internals._chanInfo) return false;
  const { incoming, outgoing } = internals._chanInfo;
  const { _chanMgr: channels, _protocol: protocol } = connection as unknown as ConnectionInternals;
  if (typeof channels?.remove !== 'function' || typeof protocol?.channelClose !== 'function') return false;
  try {
    protocol.channelClose(outgoing.id);
  } catch {
    // The connection is already going away; nothing is left to answer.
  }
  channels.remove(incoming.id);
  return true;
}
