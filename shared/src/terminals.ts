import type { ConnectionTarget } from './connections.ts';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface OpenTerminalRequest extends TerminalSize {
  target: ConnectionTarget;
  /** Run this instead of a login shell (still with a pty). */
  command?: string;
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
