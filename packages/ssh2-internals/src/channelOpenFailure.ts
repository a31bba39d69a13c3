import type { Connection } from 'ssh2';

/** The one internal of ssh2 1.17's server connection this module touches. */
interface ProtocolWithOpenFailure {
  channelOpenFail(recipient: number, reason: number, description: string): void;
}

/**
 * Refuses a channel open with the RFC 4254 §5.1 `reason` code and `description` given. ssh2's
 * `reject()` always sends "connect failed" with an empty description, so the reply is rewritten on
 * its way out through `_protocol.channelOpenFail`. When that internal is not there, ssh2's plain
 * `reject()` (the public path) answers instead. Returns whether the chosen reason was sent.
 */
export function rejectChannelOpenWith(
  connection: Connection,
  reject: () => void,
  reason: number,
  description: string,
): boolean {
  const protocol = (connection as unknown as { _protocol?: Partial<ProtocolWithOpenFailure> })._protocol;
  const original = protocol?.channelOpenFail;
  if (!protocol || typeof original !== 'function') {
    reject();
    return false;
  }
  protocol.channelOpenFail = (recipient: number) => original.call(protocol, recipient, reason, description);
  try {
    reject();
  } finally {
    protocol.channelOpenFail = original;
  }
  return true;
}
