/**
 * OpenSSH's own agent drops a client whose message is over 256 KiB (AGENT_MAX_LEN); ssh2's
 * AgentProtocol would buffer whatever length a message declares.
 */
export const AGENT_MESSAGE_MAX = 256 * 1024;

const SIGN_REQUEST = 13;

/**
 * Cuts the client's byte stream into whole messages (uint32 length, then that many bytes) before
 * ssh2's AgentProtocol reads them, for two reasons:
 * - a declared length over the limit ends the connection instead of being waited for;
 * - ssh2 1.17 answers a request type it does not serve (ADD_IDENTITY, LOCK, the
 *   `session-bind@openssh.com` extension every `ssh` since 8.9 sends first …) with FAILURE but reads
 *   on from the byte after the type, taking the rest of that message for the next one. Such a
 *   message is handed on as its type alone, so ssh2 refuses it and stays in step.
 */
export class AgentFramer {
  #buffer: Buffer = Buffer.alloc(0);

  /** The whole messages completed by `chunk`, or undefined once one declares more than the limit. */
  push(chunk: Buffer): Buffer[] | undefined {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const messages: Buffer[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (length > AGENT_MESSAGE_MAX) return undefined;
      if (this.#buffer.length < 4 + length) break;
      const message = this.#buffer.subarray(0, 4 + length);
      this.#buffer = this.#buffer.subarray(4 + length);
      if (length === 0) continue;
      const type = message[4] ?? 0;
      // REQUEST_IDENTITIES has no body; anything after its type is dropped, as for refused types.
      messages.push(type === SIGN_REQUEST ? Buffer.from(message) : typeOnly(type));
    }
    return messages;
  }
}

/** A message of its type byte alone: length 1, then the type. */
function typeOnly(type: number): Buffer {
  const message = Buffer.alloc(5);
  message.writeUInt32BE(1, 0);
  message[4] = type;
  return message;
}
