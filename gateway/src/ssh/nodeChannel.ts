import type {
  Client as SshClient,
  ClientChannel,
  PseudoTtyInfo,
  PseudoTtyOptions,
  ServerChannel,
} from 'ssh2';
import type { Store } from '../store/Store.ts';
import type { AuditSink } from './AuditLog.ts';
import { watchExit } from './channelRelay.ts';
import { NodeAccessDenied } from './nodeAuthorization.ts';
import { NodeConnectError } from './UpstreamPool.ts';
import type { UpstreamPool } from './UpstreamPool.ts';

/** What every channel handler of one authenticated connection needs. */
export interface ConnectionContext {
  /** Connection id, shared by all audit events of this connection. */
  conn: string;
  uid: number;
  store: Store;
  pool: UpstreamPool;
  audit: AuditSink;
  /** Marks traffic, for the idle timeout. */
  touch(): void;
}

/** The session the client asked for, as it will be asked of the node. */
export type SessionRequest = { kind: 'shell' } | { kind: 'exec'; command: string } | { kind: 'sftp' };

/** Terminal settings as the client sent them (pty-req, then window-change updates). */
export type TerminalRequest = Pick<PseudoTtyInfo, 'term' | 'cols' | 'rows' | 'width' | 'height' | 'modes'>;

/** Environment variables a client may pass on; the node's sshd still applies its own AcceptEnv. */
export class EnvironmentRequest {
  private static readonly MAX_VARIABLES = 64;
  private static readonly MAX_VALUE_LENGTH = 4096;
  readonly values: Record<string, string> = {};

  /** False when the variable was not kept (bad name, too long, too many). */
  add(name: string, value: string): boolean {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) return false;
    if (value.length > EnvironmentRequest.MAX_VALUE_LENGTH) return false;
    if (!(name in this.values) && this.names().length >= EnvironmentRequest.MAX_VARIABLES) return false;
    this.values[name] = value;
    return true;
  }

  /** Names only: values may hold secrets and never go to the audit log. */
  names(): string[] {
    return Object.keys(this.values);
  }
}

/** Opens the session on the node with the client's terminal and environment. */
export function openNodeSession(
  client: SshClient,
  request: SessionRequest,
  terminal: TerminalRequest | undefined,
  env: EnvironmentRequest,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, channel: ClientChannel) => {
      if (error) return reject(error);
      // Now, not after the await: the exit status may come in the same read (channelRelay.ts).
      watchExit(channel);
      resolve(channel);
    };
    const pty: PseudoTtyOptions | undefined = terminal && {
      term: terminal.term,
      rows: terminal.rows,
      cols: terminal.cols,
      width: terminal.width,
      height: terminal.height,
      modes: terminal.modes,
    };
    const envOption = env.names().length > 0 ? { env: env.values } : {};
    switch (request.kind) {
      case 'shell':
        client.shell(pty ?? false, envOption, done);
        return;
      case 'exec':
        client.exec(request.command, { ...envOption, ...(pty ? { pty } : {}) }, done);
        return;
      case 'sftp':
        client.subsys('sftp', done);
        return;
    }
  });
}

/**
 * The message for a user whose channel could not be relayed. Typed errors carry their own
 * wording; anything else is described without internals.
 */
export function channelFailureMessage(error: unknown, nodeId: number): string {
  if (error instanceof NodeAccessDenied || error instanceof NodeConnectError) return error.message;
  const detail = error instanceof Error ? error.message.replace(/^\(SSH\) /, '') : String(error);
  return `Node ${nodeId} refused to open the session (${detail}). Try again; if it persists, restart the node from the dashboard.`;
}

/** Bounds what a client-chosen string may cost in the audit log. */
export function forAudit(text: string, max = 1024): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** One line on stderr and exit status 1: what scripts and people both understand. */
export function refuse(channel: ServerChannel, message: string, terminal: boolean): void {
  channel.stderr.write(message + (terminal ? '\r\n' : '\n'));
  channel.exit(1);
  channel.end();
}
