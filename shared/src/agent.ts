import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/** The program that asked the agent for a signature, where the OS tells it (Linux); absent elsewhere. */
export interface AgentClient {
  pid: number;
  /** The process's name as the OS has it (`ssh`, `git`, `code`). */
  name: string;
}

/** A signature waiting for the user's yes or no (Settings → SSH agent → confirm each use). */
export interface AgentConfirmRequest {
  id: string;
  /** The vault key's name. */
  keyName: string;
  /** `SHA256:…`, as `ssh-add -l` prints it. */
  fingerprint: string;
  client?: AgentClient;
}

export interface AgentEvents {
  /** A client asks to sign with a vault key and the settings say to ask first. */
  confirmRequest: AgentConfirmRequest;
  /**
   * The request is settled: answered (in this window or another), or given up because the client went
   * away or nobody answered in time. Every window drops its prompt.
   */
  confirmSettled: { id: string; allowed: boolean };
}

export interface AgentStatus {
  /** The setting (Settings → SSH agent). */
  enabled: boolean;
  /** Whether the socket is being served now. */
  running: boolean;
  /** Where clients reach it: a Unix socket path, or the Windows named pipe. */
  socketPath: string;
  /** Whether each signature waits for a yes in the app. */
  confirm: boolean;
  /** Why it is not running although it should (another agent holds the socket, …). */
  error?: string;
  /** Requests waiting for an answer now, for a window that opens while one waits. */
  pending: AgentConfirmRequest[];
  /**
   * Windows: the same agent on Pageant's named pipe, for PuTTY, Plink and WinSCP (0.75 and later):
   * the pipe while served, or why not (Pageant itself holds it, …).
   */
  pageant?: { pipe?: string; error?: string };
}

/**
 * The app as an SSH agent: OpenSSH's agent protocol on a socket of its own, listing the vault's keys
 * and signing with them (adding or removing keys through it is refused), for `ssh`, `git`, `scp` and
 * VS Code beside the app. The private keys never leave the core.
 */
export interface AgentApi {
  readonly events: EventSource<AgentEvents>;
  status(): Promise<AgentStatus>;
  /** The user's answer to a `confirmRequest`; an id already settled is ignored. */
  answer(id: string, allow: boolean): Promise<void>;
}

export const AGENT_METHODS = methodList<AgentApi>()(['status', 'answer']);

/** The line a POSIX shell evaluates to use the agent, as `ssh-agent` prints it. */
export function exportLine(socketPath: string): string {
  // A path with a quote or a space is written quoted so the shell reads it as one word.
  const word = /^[\w@%+=:,./-]+$/.test(socketPath) ? socketPath : `'${socketPath.replace(/'/g, `'\\''`)}'`;
  return `SSH_AUTH_SOCK=${word}; export SSH_AUTH_SOCK;`;
}
