import { randomUUID } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { Cancelled, InvalidInput } from '../../../shared/src/errors.ts';
import type { ExecApi, ExecEvents, ExecOptions, ExecResult } from '../../../shared/src/exec.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { GatewayConnections } from '../ssh/GatewayConnections.ts';
import { FlowControl } from '../terminals/FlowControl.ts';
import { commandsOver, type RemoteCommands } from './RemoteCommands.ts';

interface Session {
  /** The channel once open; stdin that arrives earlier waits on it, in order. */
  opened: Promise<ClientChannel>;
  flow?: FlowControl<'stdout' | 'stderr'>;
}

/**
 * Commands on nodes through the gateway without a pty: an exec channel on the target's shared
 * connection, stdout and stderr kept apart, stdin with back-pressure, and the same acknowledgement
 * flow control as terminals so a huge output waits for its reader instead of filling memory.
 */
export class ExecSessions implements ExecApi {
  readonly events = new Emitter<ExecEvents>();
  private readonly sessions = new Map<string, Session>();

  private readonly commands: RemoteCommands;

  constructor(connections: GatewayConnections) {
    // The channel, its exit status and keeping the connection while it runs: as the folder uploads'.
    this.commands = commandsOver(connections);
  }

  async run(target: ConnectionTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const id = options.id ?? randomUUID();
    if (this.sessions.has(id)) throw new InvalidInput('A command with that id is already running.');
    let opened!: (channel: ClientChannel) => void;
    let failed!: (error: unknown) => void;
    const session: Session = {
      opened: new Promise<ClientChannel>((resolve, reject) => {
        opened = resolve;
        failed = reject;
      }),
    };
    // Writers see the failure through run's own rejection; this one must not count as unhandled.
    session.opened.catch(() => undefined);
    // Registered before the first await: stdin sent right after the request finds the session.
    this.sessions.set(id, session);
    try {
      if (options.signal?.aborted) throw new Cancelled('Cancelled.');
      const { channel, ended } = await this.commands.start(target, command);
      return await this.follow(id, session, channel, ended, options.signal, opened);
    } catch (error) {
      failed(error);
      throw error;
    } finally {
      this.sessions.delete(id);
    }
  }

  async write(id: string, data: Uint8Array): Promise<void> {
    const channel = await this.session(id).opened;
    if (channel.destroyed || channel.writableEnded) return;
    await new Promise<void>((resolve) => {
      if (channel.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) return resolve();
      const done = () => {
        channel.off('drain', done);
        channel.off('close', done);
        resolve();
      };
      channel.on('drain', done);
      channel.on('close', done);
    });
  }

  async end(id: string): Promise<void> {
    const channel = await this.session(id).opened;
    if (!channel.destroyed && !channel.writableEnded) channel.end();
  }

  async ack(id: string, bytes: number): Promise<void> {
    this.sessions.get(id)?.flow?.acknowledge(bytes);
  }

  private follow(
    id: string,
    session: Session,
    channel: ClientChannel,
    ended: Promise<ExecResult>,
    signal: AbortSignal | undefined,
    opened: (channel: ClientChannel) => void,
  ): Promise<ExecResult> {
    // One flow control for both streams (they share the channel's window); each chunk keeps its stream.
    session.flow = new FlowControl<'stdout' | 'stderr'>(
      {
        pause: () => {
          channel.pause();
          channel.stderr.pause();
        },
        resume: () => {
          channel.resume();
          channel.stderr.resume();
        },
      },
      (data, stream) => this.events.emit(stream, { id, data }),
    );
    const flow = session.flow;
    const push = (from: 'stdout' | 'stderr') => (data: Buffer) => flow.push(data, from);
    channel.on('data', push('stdout'));
    channel.stderr.on('data', push('stderr'));
    opened(channel);
    const abort = () => channel.close();
    signal?.addEventListener('abort', abort, { once: true });
    return ended.then(async (result) => {
      signal?.removeEventListener('abort', abort);
      // The result comes after all the output, at the reader's pace.
      await flow.drained();
      return result;
    });
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new InvalidInput('That command has ended.');
    return session;
  }
}
