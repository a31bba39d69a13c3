import type { TerminalApi } from '../../../shared/src/contract.ts';
import { randomUUID } from 'node:crypto';
import { homedir, userInfo } from 'node:os';
import * as pty from 'node-pty';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { LocalTerminalRequest, TerminalEvents } from '../../../shared/src/terminals.ts';
import { FlowControl } from './FlowControl.ts';

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

/** The user's login shell, as the OS records it; `$SHELL`, then a safe default. */
export function defaultShell(): string {
  if (process.platform === 'win32') return process.env['COMSPEC'] ?? 'powershell.exe';
  const recorded = (() => {
    try {
      return userInfo().shell;
    } catch {
      return null;
    }
  })();
  return process.env['SHELL'] || recorded || '/bin/sh';
}

interface Session {
  terminal: pty.IPty;
  flow: FlowControl;
}

/**
 * Local terminal tabs through node-pty, with the same events and flow control as the SSH terminals,
 * so the renderer draws both the same way.
 */
export class LocalTerminals implements TerminalApi<LocalTerminalRequest> {
  readonly events = new Emitter<TerminalEvents>();
  private readonly sessions = new Map<string, Session>();
  private readonly encoder = new TextEncoder();

  /** The user's shell: what the page may open, and the only program it may start. */
  async open(request: LocalTerminalRequest): Promise<{ id: string }> {
    return this.spawn(request, { file: defaultShell(), args: [] });
  }

  /**
   * Any program in a pty, with the same events and flow control. Not in the contract, so the RPC
   * cannot reach it: a page that could name the program would run anything without a visible shell.
   */
  async spawn(request: LocalTerminalRequest, program: LocalProgram): Promise<{ id: string }> {
    const id = randomUUID();
    const terminal = pty.spawn(program.file, [...program.args], {
      name: 'xterm-256color',
      cols: Math.min(Math.max(Math.floor(request.cols) || 80, 2), 1000),
      rows: Math.min(Math.max(Math.floor(request.rows) || 24, 1), 500),
      cwd: request.cwd ?? homedir(),
      env: { ...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' } as Record<string, string>,
    });
    const flow = new FlowControl(terminal, (data) => this.events.emit('data', { id, data }), {
      maxQueuedBytes: LOCAL_QUEUE_BYTES,
    });
    this.sessions.set(id, { terminal, flow });
    terminal.onData((text) => flow.push(this.encoder.encode(text)));
    terminal.onExit(({ exitCode, signal }) => {
      // Everything the process wrote goes to the screen, at the screen's pace, before its exit.
      void flow.drained().then(() => {
        this.sessions.delete(id);
        this.events.emit('exit', { id, code: exitCode, signal: signal ? String(signal) : null });
      });
    });
    return { id };
  }

  async write(id: string, data: string): Promise<void> {
    this.session(id).terminal.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    this.session(id).terminal.resize(
      Math.min(Math.max(Math.floor(cols) || 80, 2), 1000),
      Math.min(Math.max(Math.floor(rows) || 24, 1), 500),
    );
  }

  async ack(id: string, bytes: number): Promise<void> {
    this.sessions.get(id)?.flow.acknowledge(bytes);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    session.terminal.kill();
    // Nobody is left to read what is still queued.
    session.flow.flush();
  }

  pending(id: string): number {
    return this.sessions.get(id)?.flow.pending ?? 0;
  }

  closeAll(): void {
    for (const { terminal } of this.sessions.values()) terminal.kill();
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new InvalidInput('That terminal is closed.');
    return session;
  }
}
