import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/storage/atomicFile.ts';

/** Where and how big the window was, so it opens there again. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** A display's usable area (Electron's `Display.workArea`). */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 400;
const MAX_SIDE = 100_000;

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** The state a file holds, or the default for anything that is not a sane state. */
export function parseWindowState(text: string): WindowState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof value !== 'object' || value === null) return { ...DEFAULT_WINDOW_STATE };
  const { x, y, width, height, maximized } = value as Record<string, unknown>;
  if (!isInt(width, MIN_WIDTH, MAX_SIDE) || !isInt(height, MIN_HEIGHT, MAX_SIDE)) {
    return { ...DEFAULT_WINDOW_STATE };
  }
  const state: WindowState = { width, height, maximized: maximized === true };
  if (isInt(x, -MAX_SIDE, MAX_SIDE) && isInt(y, -MAX_SIDE, MAX_SIDE)) {
    state.x = x;
    state.y = y;
  }
  return state;
}

/**
 * The state to open with on today's displays: a position is kept only when the window's title bar
 * would still be on one of them (a monitor may have been unplugged), and the size shrinks to fit.
 */
export function fitToDisplays(state: WindowState, displays: readonly Area[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const home = displays.find(
    (area) =>
      x + 100 > area.x && x < area.x + area.width - 100 && y >= area.y && y < area.y + area.height - 50,
  );
  if (!home) return { width: state.width, height: state.height, maximized: state.maximized };
  return {
    ...state,
    width: Math.min(state.width, home.width),
    height: Math.min(state.height, home.height),
  };
}

/** The window's state in a JSON file in the app's data folder, replaced atomically. */
export class WindowStateFile {
  constructor(readonly path: string) {}

  async load(): Promise<WindowState> {
    try {
      return parseWindowState(await readFile(this.path, 'utf8'));
    } catch {
      return { ...DEFAULT_WINDOW_STATE };
    }
  }

  async save(state: WindowState): Promise<void> {
    const clean = parseWindowState(JSON.stringify(state));
    await writeFileAtomic(this.path, `${JSON.stringify(clean, null, 2)}\n`, 0o600);
  }
}
