import { rejectChannelOpenWith } from '@enscale-ssh/ssh2-internals';
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

/**
 * Refuses a channel open with a chosen reason code and description: a port forward the node refuses
 * must reach the client as the node said it ("administratively prohibited: open failed"), where
 * ssh2's `reject()` alone always says "connect failed" (the rewrite is fenced in
 * packages/ssh2-internals).
 */
export function rejectChannelOpen(
  connection: Connection,
  reject: () => void,
  reason: ChannelOpenFailureReason,
  description: string,
): void {
  rejectChannelOpenWith(connection, reject, reason, description);
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
