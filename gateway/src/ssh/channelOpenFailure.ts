import type { Connection } from 'ssh2';

/** RFC 4254 §5.1 reason codes for SSH_MSG_CHANNEL_OPEN_FAILURE. */
export const ChannelOpenFailureReason = {
  AdministrativelyProhibited: 1,
  ConnectFailed: 2,
  UnknownChannelType: 3,
  ResourceShortage: 4,
} as const;
export type ChannelOpenFailureReason =
  (typeof ChannelOpenFailureReason)[keyof typeof ChannelOpenFailureReason];

/** The one internal of ssh2's server connection this module touches. */
interface ProtocolWithOpenFailure {
  channelOpenFail(recipient: number, reason: number, description: string): void;
}

/**
 * Refuses a channel open with a chosen reason code and description. ssh2's `reject()` always
 * sends "connect failed" with an empty description, but a port forward the node refuses must
 * reach the client as the node said it ("administratively prohibited: open failed"), so the
 * reply is rewritten on its way out. Pinned to ssh2 1.17's `_protocol.channelOpenFail`; if that
 * internal ever disappears this falls back to ssh2's plain reject.
 */
export function rejectChannelOpen(
  connection: Connection,
  reject: () => void,
  reason: ChannelOpenFailureReason,
  description: string,
): void {
  const protocol = (connection as unknown as { _protocol?: Partial<ProtocolWithOpenFailure> })._protocol;
  const original = protocol?.channelOpenFail;
  if (!protocol || typeof original !== 'function') {
    reject();
    return;
  }
  protocol.channelOpenFail = (recipient: number) => original.call(protocol, recipient, reason, description);
  try {
    reject();
  } finally {
    protocol.channelOpenFail = original;
  }
}

/** The reason code of an ssh2 client-side channel open error, if it carries one. */
export function upstreamOpenFailure(
  error: unknown,
): { reason: ChannelOpenFailureReason; description: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const reason = (error as Error & { reason?: unknown }).reason;
  if (typeof reason !== 'number' || reason < 1 || reason > 4) return undefined;
  const description = error.message.replace(/^\(SSH\) Channel open failure: /, '');
  return { reason: reason as ChannelOpenFailureReason, description };
}
