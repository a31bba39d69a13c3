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
}

/**
 * A terminal on this computer: always the user's own shell. Which program runs is not the page's
 * to choose — a page that could name one would run anything without a visible shell — so there is
 * no `command` here; the core's tests start other programs in-process (`LocalTerminals.spawn`).
 */
export interface LocalTerminalRequest extends TerminalSize {
  /** The folder the shell starts in; the home folder by default. */
  cwd?: string;
}

export interface TerminalEvents {
  /** Output for the screen. The receiver must `ack` the bytes once drawn, or output pauses. */
  data: { id: string; data: Uint8Array };
  exit: { id: string; code: number | null; signal: string | null; reason?: string };
}

/**
 * Flow control, as Tabby does it: output goes out in chunks of at most 100 KB, and the source is
 * paused while more than 500 KB are sent but not yet acknowledged by the screen.
 */
export const TERMINAL_CHUNK_BYTES = 100 * 1024;
export const TERMINAL_HIGH_WATER_BYTES = 500 * 1024;
export const TERMINAL_LOW_WATER_BYTES = 128 * 1024;

/** Terminals through the gateway and local ones share one shape, so the screen draws both alike. */
export interface TerminalApi<Request> {
  readonly events: EventSource<TerminalEvents>;
  open(request: Request): Promise<{ id: string }>;
  write(id: string, data: string): Promise<void>;
  resize(id: string, cols: number, rows: number): Promise<void>;
  /** The screen has drawn this many more bytes; output resumes once it catches up. */
  ack(id: string, bytes: number): Promise<void>;
  close(id: string): Promise<void>;
}

export const TERMINAL_METHODS = methodList<TerminalApi<unknown>>()([
  'open',
  'write',
  'resize',
  'ack',
  'close',
]);
