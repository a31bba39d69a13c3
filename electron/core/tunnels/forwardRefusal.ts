/**
 * RFC 4254 §5.1's reason codes in the words OpenSSH's client prints them ("channel 3: open failed:
 * administratively prohibited: open failed"), so a refusal reads as it would in a terminal.
 */
const REASONS: Record<number, string> = {
  1: 'administratively prohibited',
  2: 'connect failed',
  3: 'unknown channel type',
  4: 'resource shortage',
};

/** The reason code for "the other side does not allow forwarding at all". */
export const ADMINISTRATIVELY_PROHIBITED = 1;

/** A channel-open refusal as the far side sent it: its reason code and its own description. */
export interface ForwardRefusal {
  reason: number;
  /** The reason's words, then the far side's description: "administratively prohibited: open failed". */
  words: string;
}

/**
 * Reads ssh2's error for a refused `direct-tcpip` open. ssh2 puts the reason code on the error and
 * the far side's description after "(SSH) Channel open failure: "; the gateway passes the node's
 * code and description through unchanged (gateway/src/ssh/channelOpenFailure.ts). Anything else
 * (the connection went away meanwhile) is not a refusal.
 */
export function forwardRefusal(error: unknown): ForwardRefusal | undefined {
  if (!(error instanceof Error)) return undefined;
  const reason = (error as Error & { reason?: unknown }).reason;
  if (typeof reason !== 'number' || !REASONS[reason]) return undefined;
  const description = error.message.replace(/^\(SSH\) Channel open failure: ?/, '').trim();
  const name = REASONS[reason];
  return { reason, words: description && description !== name ? `${name}: ${description}` : name };
}
