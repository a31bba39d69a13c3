import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';
import type { CallOptions } from './rpc/protocol.ts';

/**
 * Output of a command run without a terminal. stdout and stderr stay apart and byte-exact, which is
 * what scripts need (a pty would merge them and translate line endings). The receiver acknowledges
 * what it has written (`ack`), as for terminals, so a large output cannot pile up in memory.
 */
export interface ExecEvents {
  stdout: { id: string; data: Uint8Array };
  stderr: { id: string; data: Uint8Array };
}

/** How a command ended: its exit status, or the signal that ended it (both null: the link dropped). */
export interface ExecResult {
  code: number | null;
  signal: string | null;
}

export interface ExecOptions extends CallOptions {
  /**
   * Chosen by the caller, so it can tell its events apart and write to stdin before `run` resolves
   * (which it does only when the command has ended). Writes that arrive before the channel is open wait.
   */
  id?: string;
}

/** Commands on a node through the gateway (`ssh NODEID-UID@gateway COMMAND`), without a pty. */
export interface ExecApi {
  readonly events: EventSource<ExecEvents>;
  /** Runs the command and resolves when it has ended; aborting the signal closes the channel. */
  run(target: ConnectionTarget, command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Bytes for the command's stdin; resolves once the channel has taken them (back-pressure). */
  write(id: string, data: Uint8Array): Promise<void>;
  /** End of stdin. */
  end(id: string): Promise<void>;
  /** The receiver has written this many more bytes of output; output resumes once it catches up. */
  ack(id: string, bytes: number): Promise<void>;
}

export const EXEC_METHODS = methodList<ExecApi>()(['run', 'write', 'end', 'ack']);
