import type { TerminalApi } from '../../../shared/src/terminals.ts';
import { randomUUID } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type {
  OpenedTerminal,
  OpenTerminalRequest,
  TerminalEvents,
  TerminalSize,
} from '../../../shared/src/terminals.ts';
import type { GatewayConnections } from '../ssh/GatewayConnections.ts';
import { FlowControl } from './FlowControl.ts';
import { gatewaySubject, plainHostSubject } from './sessionLog/logNames.ts';
import { LogControls } from './sessionLog/logControls.ts';
import type { SessionLogs } from './sessionLog/SessionLogs.ts';
import { TerminalLog } from './sessionLog/TerminalLog.ts';

interface Session {
  channel: ClientChannel;
  flow: FlowControl;
  release: () => void;
  log: TerminalLog;
}

export interface TerminalSessionsOptions {
  /** Session logs (Settings → Terminal); without them no terminal logs. */
  logs?: SessionLogs;
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
  private readonly logControls = new LogControls(
    () => this.options.logs,
    (id) => this.session(id).log,
    (id) => this.sessions.get(id)?.log,
  );

  /** Sessions still open. */
  openCount(): number {
    return this.sessions.size;
  }

  constructor(
    private readonly connections: GatewayConnections,
    private readonly options: TerminalSessionsOptions = {},
  ) {}

  async open(request: OpenTerminalRequest): Promise<OpenedTerminal> {
    const client = await this.connections.client(request.target);
    const size = clampSize(request);
    const pty = { term: 'xterm-256color', cols: size.cols, rows: size.rows, width: 0, height: 0 };
    const id = randomUUID();
    const { target } = request;
    // For a saved host the page names the host where a node names its environment.
    const subject = target.hostId
      ? plainHostSubject(target.username, target.gateway.host, request.log?.environment)
      : gatewaySubject(target.username, request.log?.environment);
    const log = new TerminalLog(this.options.logs, { subject, columns: size.cols }, (state) =>
      this.events.emit('log', { id, ...state }),
    );
    // The file is opened before the channel, so no output arrives before the log is there to take it.
    const logState = await log.prepare(request.log);
    let channel: ClientChannel;
    try {
      channel = await new Promise<ClientChannel>((resolve, reject) => {
        const done = (error: Error | undefined, stream: ClientChannel) =>
          error ? reject(error) : resolve(stream);
        if (request.command) client.exec(request.command, { pty }, done);
        else client.shell(pty, done);
      });
    } catch (error) {
      await log.discard();
      throw error;
    }
    log.opened();
    const release = this.connections.retain(request.target);
    const flow = new FlowControl(channel, (data) => this.events.emit('data', { id, data }));
    this.sessions.set(id, { channel, flow, release, log });

    let code: number | null = null;
    let signal: string | null = null;
    // Output only: what is typed goes to the channel, never to the log (see TerminalLog).
    const output = (data: Buffer) => {
      log.write(data);
      flow.push(data);
    };
    channel.on('data', output);
    channel.stderr.on('data', output);
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      code = exitCode;
      signal = exitSignal ?? null;
    });
    channel.once('close', () => {
      release();
      // The exit comes after the output that preceded it, at the screen's pace, and once the log
      // holds all of it (a log opened on "exited" is complete).
      void Promise.all([flow.drained(), log.end()]).then(() => {
        this.sessions.delete(id);
        const reason = code === null && signal === null ? 'The connection closed.' : undefined;
        this.events.emit('exit', { id, code, signal, ...(reason ? { reason } : {}) });
      });
    });
    return { id, ...(logState ? { log: logState } : {}) };
  }

  async write(id: string, data: string): Promise<void> {
    this.session(id).channel.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const size = clampSize({ cols, rows });
    const session = this.session(id);
    session.channel.setWindow(size.rows, size.cols, 0, 0);
    session.log.resize(size.cols);
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

  startLog(id: string): Promise<{ path: string }> {
    return this.logControls.start(id);
  }

  stopLog(id: string): Promise<void> {
    return this.logControls.stop(id);
  }

  logFolder(): Promise<{ path: string }> {
    return this.logControls.folder();
  }

  openLogFolder(): Promise<{ path: string }> {
    return this.logControls.openFolder();
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
