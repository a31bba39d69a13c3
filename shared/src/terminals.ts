import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** A terminal on a node, through the gateway. */
export interface OpenTerminalRequest extends TerminalSize {
  target: ConnectionTarget;
  /** Run this instead of a login shell on the node (still with a pty). */
  command?: string;
  /** Session logging; the file is named after the node and this environment (`shop-518839-…`). */
  log?: NodeLogChoice;
}

/**
 * A terminal on this computer: always the user's own shell. Which program runs is not the page's
 * to choose — a page that could name one would run anything without a visible shell — so there is
 * no `command` here; the core's tests start other programs in-process (`LocalTerminals.spawn`).
 */
export interface LocalTerminalRequest extends TerminalSize {
  /** The folder the shell starts in; the home folder by default. */
  cwd?: string;
  /** Session logging (files named `local-…`). */
  log?: TerminalLogChoice;
}

/**
 * Whether a terminal writes a session log from the start. The log holds what the other side
 * printed, never what was typed: input the node does not echo (a password prompt) stays out.
 */
export interface TerminalLogChoice {
  /** Log from the start, or not; the setting `terminal.logSessions` decides when left out. */
  enabled?: boolean;
  /**
   * The log this tab was writing before its session ended (a reconnect, a shell started again): it
   * goes on in that file. Only a log this core wrote since it started is continued; else a new file.
   */
  continues?: string;
}

/** A node terminal's log choice, with the environment its file is named after (a saved host's name, for a host). */
export interface NodeLogChoice extends TerminalLogChoice {
  environment?: string;
}

/** A terminal's session log: the file being written, or `null`; `error` says why one stopped or failed to start. */
export interface TerminalLogState {
  path: string | null;
  error?: string;
}

/** What `open` answers: the terminal's id and, when it logs or was meant to, its log. */
export interface OpenedTerminal {
  id: string;
  log?: TerminalLogState;
}

export interface TerminalEvents {
  /** Output for the screen. The receiver must `ack` the bytes once drawn, or output pauses. */
  data: { id: string; data: Uint8Array };
  exit: { id: string; code: number | null; signal: string | null; reason?: string };
  /** The session log started, stopped, or stopped on a write error (`error`). */
  log: { id: string } & TerminalLogState;
}

/**
 * Flow control, as Tabby does it: output goes out in chunks of at most 100 KB, and no more than
 * 1 MiB is sent but not yet acknowledged by the screen; the source is paused while output waits in
 * the core. Tabby's 500 KB is about 50 ms of xterm.js's work here: a screen that drew it before the
 * next chunk arrived sat idle, and a 20 MB `cat` ran at 4 MB/s where 1 MiB gave 6 (browser host,
 * headless Chromium, load 16 on 2 cores; 2026-12-06).
 */
export const TERMINAL_CHUNK_BYTES = 100 * 1024;
export const TERMINAL_HIGH_WATER_BYTES = 1024 * 1024;

/** Terminals through the gateway and local ones share one shape, so the screen draws both alike. */
export interface TerminalApi<Request> {
  readonly events: EventSource<TerminalEvents>;
  open(request: Request): Promise<OpenedTerminal>;
  write(id: string, data: string): Promise<void>;
  resize(id: string, cols: number, rows: number): Promise<void>;
  /** The screen has drawn this many more bytes; output resumes once it catches up. */
  ack(id: string, bytes: number): Promise<void>;
  close(id: string): Promise<void>;
  /** Starts a session log (a new file in the log folder); answers its path. */
  startLog(id: string): Promise<{ path: string }>;
  /** Stops the session log, writing out what it holds. */
  stopLog(id: string): Promise<void>;
  /** The folder session logs go to now (the setting, or `session-logs` in the data folder). */
  logFolder(): Promise<{ path: string }>;
  /** Opens the log folder in the file manager, creating it first when missing. */
  openLogFolder(): Promise<{ path: string }>;
}

export const TERMINAL_METHODS = methodList<TerminalApi<unknown>>()([
  'open',
  'write',
  'resize',
  'ack',
  'close',
  'startLog',
  'stopLog',
  'logFolder',
  'openLogFolder',
]);
