import type { TerminalApi } from '../../../shared/src/terminals.ts';
import { randomUUID } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { OpenTerminalRequest, TerminalEvents, TerminalSize } from '../../../shared/src/terminals.ts';
import type { GatewayConnections } from '../ssh/GatewayConnections.ts';
import { FlowControl } from './FlowControl.ts';

interface Session {
  channel: ClientChannel;
  flow: FlowControl;
  release: () => void;
}

const clampSize = ({ cols, rows }: TerminalSize): TerminalSize => ({
  cols: Math.min(Math.max(Math.floor(cols) || 80, 2), 1000),
  rows: Math.min(Math.max(Math.floor(rows) || 24, 1), 500),
});

/**
 * Terminals through the gateway: the menu (`UID`) and node shells (`NODEID-UID`), each a pty
 * channel (`xterm-256color`) on the target's shared connection, with flow control towards the
 * screen. Exits report the remote status or the reason the link ended.
 */
export class TerminalSessions implements TerminalApi<OpenTerminalRequest> {
  readonly events = new Emitter<TerminalEvents>();
  private readonly sessions = new Map<string, Session>();

  /** Sessions still open. */
  openCount(): number {
    return this.sessions.size;
  }

  constructor(private readonly connections: GatewayConnections) {}

  async open(request: OpenTerminalRequest): Promise<{ id: string }> {
    const client = await this.connections.client(request.target);
    const size = clampSize(request);
    const pty = { term: 'xterm-256color', cols: size.cols, rows: size.rows, width: 0, height: 0 };
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const done = (error: Error | undefined, stream: ClientChannel) =>
        error ? reject(error) : resolve(stream);
      if (request.command) client.exec(request.command, { pty }, done);
      else client.shell(pty, done);
    });
    const id = randomUUID();
    const release = this.connections.retain(request.target);
    const flow = new FlowControl(channel, (data) => this.events.emit('data', { id, data }));
    this.sessions.set(id, { channel, flow, release });

    let code: number | null = null;
    let signal: string | null = null;
    channel.on('data', (data: Buffer) => flow.push(data));
    channel.stderr.on('data', (data: Buffer) => flow.push(data));
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      code = exitCode;
      signal = exitSignal ?? null;
    });
    channel.once('close', () => {
      release();
      // The exit comes after the output that preceded it, at the screen's pace.
      void flow.drained().then(() => {
        this.sessions.delete(id);
        const reason = code === null && signal === null ? 'The connection closed.' : undefined;
        this.events.emit('exit', { id, code, signal, ...(reason ? { reason } : {}) });
      });
    });
    return { id };
  }

  async write(id: string, data: string): Promise<void> {
    this.session(id).channel.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const size = clampSize({ cols, rows });
    this.session(id).channel.setWindow(size.rows, size.cols, 0, 0);
  }

  /** The screen has drawn `bytes` more bytes of this terminal's output. */
  async ack(id: string, bytes: number): Promise<void> {
    this.sessions.get(id)?.flow.acknowledge(bytes);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    session.channel.close();
    // Nobody is left to read what is still queued.
    session.flow.flush();
  }

  /** Bytes sent to the screen and not yet acknowledged (for tests and diagnostics). */
  pending(id: string): number {
    return this.sessions.get(id)?.flow.pending ?? 0;
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new InvalidInput('That terminal is closed.');
    return session;
  }
}
