import type { TerminalApi } from '../../../shared/src/terminals.ts';
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import * as pty from 'node-pty';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { LocalTerminalRequest, OpenedTerminal, TerminalEvents } from '../../../shared/src/terminals.ts';
import { currentLocalPlatform, type LocalPlatform } from '../transfers/localNames.ts';
import { FlowControl } from './FlowControl.ts';
import { chooseLocalShell, localShellEnv } from './localShell.ts';
import { LOCAL_SUBJECT } from './sessionLog/logNames.ts';
import { LogControls } from './sessionLog/logControls.ts';
import type { SessionLogs } from './sessionLog/SessionLogs.ts';
import { TerminalLog } from './sessionLog/TerminalLog.ts';

/** A program to run in a local terminal instead of the user's shell: for the core's own use only. */
export interface LocalProgram {
  file: string;
  args: readonly string[];
}

/**
 * Output held for a slow screen before the pty is paused. node-pty drops a paused pty's remaining
 * output 200 ms after its process exits; holding this much here makes that loss need a screen that
 * stalls for longer than it takes a process to print 16 MiB and exit.
 */
const LOCAL_QUEUE_BYTES = 16 * 1024 * 1024;

/** The user's shell on this computer, as a local tab starts it (see `chooseLocalShell`). */
export function defaultShell(): string {
  return chooseLocalShell({ platform: currentLocalPlatform(), env: process.env }).file;
}

/**
 * node-pty's options for one local tab. On Windows, `useConptyDll`: node-pty's default ConPTY kill
 * forks a helper (`conpty_console_list_agent`) inside a promise nobody catches; in the packaged app
 * the `runAsNode` fuse is off, so that fork fails or starts a second app, and the unhandled rejection
 * can end the core with every session and transfer. The bundled conpty.dll's kill path does not fork.
 */
export function ptyOptions(
  platform: LocalPlatform,
  request: { cols: number; rows: number; cwd: string; env: Record<string, string> },
): pty.IPtyForkOptions & pty.IWindowsPtyForkOptions {
  return {
    name: 'xterm-256color',
    cols: Math.min(Math.max(Math.floor(request.cols) || 80, 2), 1000),
    rows: Math.min(Math.max(Math.floor(request.rows) || 24, 1), 500),
    cwd: request.cwd,
    env: request.env,
    ...(platform === 'win32' ? { useConptyDll: true } : {}),
  };
}

export interface LocalTerminalsOptions {
  /** Whose shell rules apply; the running OS by default (tests pass others). */
  platform?: LocalPlatform;
  /** The shell chosen in Settings ('' for the system's); read at each open. */
  shellSetting?: () => string;
  /** node-pty's spawn; injected so a failing kill can be played in tests. */
  spawn?: typeof pty.spawn;
  env?: NodeJS.ProcessEnv;
  /** Session logs (Settings → Terminal); without them no terminal logs. */
  logs?: SessionLogs;
}

interface Session {
  terminal: pty.IPty;
  flow: FlowControl;
  log: TerminalLog;
}

/**
 * Local terminal tabs through node-pty, with the same events and flow control as the SSH terminals,
 * so the renderer draws both the same way.
 */
export class LocalTerminals implements TerminalApi<LocalTerminalRequest> {
  readonly events = new Emitter<TerminalEvents>();
  private readonly sessions = new Map<string, Session>();
  private readonly logControls = new LogControls(
    () => this.options.logs,
    (id) => this.session(id).log,
    (id) => this.sessions.get(id)?.log,
  );
  private readonly encoder = new TextEncoder();
  private readonly platform: LocalPlatform;

  constructor(private readonly options: LocalTerminalsOptions = {}) {
    this.platform = options.platform ?? currentLocalPlatform();
  }

  /** The user's shell: what the page may open, and the only program it may start. */
  async open(request: LocalTerminalRequest): Promise<OpenedTerminal> {
    const program = chooseLocalShell({
      platform: this.platform,
      env: this.options.env ?? process.env,
      setting: this.options.shellSetting?.() ?? '',
    });
    return this.spawn(request, program);
  }

  /**
   * Any program in a pty, with the same events and flow control. Not in the contract, so the RPC
   * cannot reach it: a page that could name the program would run anything without a visible shell.
   */
  async spawn(request: LocalTerminalRequest, program: LocalProgram): Promise<OpenedTerminal> {
    const id = randomUUID();
    const spawn = this.options.spawn ?? pty.spawn;
    const options = ptyOptions(this.platform, {
      cols: request.cols,
      rows: request.rows,
      cwd: request.cwd ?? homedir(),
      env: localShellEnv(this.options.env ?? process.env, this.platform),
    });
    const log = new TerminalLog(
      this.options.logs,
      { subject: LOCAL_SUBJECT, columns: options.cols ?? 80 },
      (state) => this.events.emit('log', { id, ...state }),
    );
    // Before the program starts, so the log is there for its first output.
    const logState = await log.prepare(request.log);
    let terminal: pty.IPty;
    try {
      terminal = spawn(program.file, [...program.args], options);
    } catch (error) {
      await log.discard();
      throw error;
    }
    log.opened();
    const flow = new FlowControl(terminal, (data) => this.events.emit('data', { id, data }), {
      maxQueuedBytes: LOCAL_QUEUE_BYTES,
    });
    this.sessions.set(id, { terminal, flow, log });
    // Output only: what is typed goes to the pty, never to the log (see TerminalLog).
    terminal.onData((text) => {
      const data = this.encoder.encode(text);
      log.write(data);
      flow.push(data);
    });
    terminal.onExit(({ exitCode, signal }) => {
      // Everything the process wrote goes to the screen, at the screen's pace, and to the log
      // before its exit is reported.
      void Promise.all([flow.drained(), log.end()]).then(() => {
        this.sessions.delete(id);
        this.events.emit('exit', { id, code: exitCode, signal: signal ? String(signal) : null });
      });
    });
    return { id, ...(logState ? { log: logState } : {}) };
  }

  async write(id: string, data: string): Promise<void> {
    this.session(id).terminal.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const session = this.session(id);
    const columns = Math.min(Math.max(Math.floor(cols) || 80, 2), 1000);
    session.terminal.resize(columns, Math.min(Math.max(Math.floor(rows) || 24, 1), 500));
    session.log.resize(columns);
  }

  async ack(id: string, bytes: number): Promise<void> {
    this.sessions.get(id)?.flow.acknowledge(bytes);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.kill(id, session);
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

  /** Local shells still running. */
  openCount(): number {
    return this.sessions.size;
  }

  pending(id: string): number {
    return this.sessions.get(id)?.flow.pending ?? 0;
  }

  closeAll(): void {
    for (const [id, session] of this.sessions) this.kill(id, session);
  }

  /**
   * Ends a tab's process. A kill that throws (a pty already gone, a helper that cannot start) must
   * not reach the core's caller: the tab is reported closed, with why, and every other session lives on.
   */
  private kill(id: string, session: Session): void {
    try {
      session.terminal.kill();
    } catch (error) {
      this.sessions.delete(id);
      void session.log.end();
      this.events.emit('exit', {
        id,
        code: null,
        signal: null,
        reason: `The local shell could not be stopped: ${(error as Error).message}`,
      });
    }
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new InvalidInput('That terminal is closed.');
    return session;
  }
}
