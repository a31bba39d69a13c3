import { keyboardPlatform, type KeyboardPlatform } from '../app/keyboardPlatform.ts';

/** The screen's own preferences; the core keeps everything else (keys, platform, known hosts). */
export interface TerminalSettings {
  fontFamily: string;
  fontSize: number;
  theme: 'system' | 'light' | 'dark';
  scrollback: number;
  cursorStyle: 'block' | 'bar' | 'underline';
  cursorBlink: boolean;
  /** PuTTY's habit: selecting text copies it. */
  copyOnSelect: boolean;
  /**
   * PuTTY's habit: the right button pastes. Off by default on a Mac, where a two-finger tap is a
   * right click and would paste into a live shell by accident.
   */
  rightClickPaste: boolean;
  /**
   * How xterm.js draws: WebGL when a GPU draws it (automatic), always WebGL, or always the DOM. WebGL
   * falls back to the DOM by itself when it fails or loses its context.
   */
  renderer: 'auto' | 'webgl' | 'dom';
}

export const DEFAULT_SETTINGS: TerminalSettings = {
  fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  theme: 'system',
  scrollback: 10_000,
  cursorStyle: 'block',
  cursorBlink: true,
  copyOnSelect: true,
  rightClickPaste: true,
  renderer: 'auto',
};

/** The defaults for the keyboard the page is used with. */
export function defaultSettings(platform: KeyboardPlatform = keyboardPlatform()): TerminalSettings {
  return { ...DEFAULT_SETTINGS, rightClickPaste: platform !== 'mac' };
}

export const FONT_SIZE = { min: 8, max: 32 } as const;
export const SCROLLBACK = { min: 0, max: 200_000 } as const;

const clamp = (value: unknown, min: number, max: number, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value)
    ? Math.min(Math.max(Math.round(value), min), max)
    : fallback;

const oneOf = <T extends string>(value: unknown, options: readonly T[], fallback: T): T =>
  options.includes(value as T) ? (value as T) : fallback;

const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);

/** Reads stored settings defensively: anything missing or out of range takes its default. */
export function readSettings(
  raw: unknown,
  platform: KeyboardPlatform = keyboardPlatform(),
): TerminalSettings {
  const stored = (raw && typeof raw === 'object' ? raw : {}) as Partial<
    Record<keyof TerminalSettings, unknown>
  >;
  const d = defaultSettings(platform);
  return {
    fontFamily:
      typeof stored.fontFamily === 'string' && stored.fontFamily.trim() && stored.fontFamily.length <= 200
        ? stored.fontFamily
        : d.fontFamily,
    fontSize: clamp(stored.fontSize, FONT_SIZE.min, FONT_SIZE.max, d.fontSize),
    theme: oneOf(stored.theme, ['system', 'light', 'dark'] as const, d.theme),
    scrollback: clamp(stored.scrollback, SCROLLBACK.min, SCROLLBACK.max, d.scrollback),
    cursorStyle: oneOf(stored.cursorStyle, ['block', 'bar', 'underline'] as const, d.cursorStyle),
    cursorBlink: bool(stored.cursorBlink, d.cursorBlink),
    copyOnSelect: bool(stored.copyOnSelect, d.copyOnSelect),
    rightClickPaste: bool(stored.rightClickPaste, d.rightClickPaste),
    renderer: oneOf(stored.renderer, ['auto', 'webgl', 'dom'] as const, d.renderer),
  };
}

/** Where settings persist: the page's localStorage in both shells (the app:// origin on the desktop). */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'enscale.terminalSettings';

/** Settings with change notification, in the shape React's useSyncExternalStore wants. */
export class SettingsStore {
  private value: TerminalSettings;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: SettingsStorage) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(storage.getItem(KEY) ?? 'null');
    } catch {
      // A damaged entry is replaced by the defaults on the next change.
    }
    this.value = readSettings(parsed);
  }

  readonly get = (): TerminalSettings => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(change: Partial<TerminalSettings>): void {
    this.value = readSettings({ ...this.value, ...change });
    this.storage.setItem(KEY, JSON.stringify(this.value));
    for (const listener of this.listeners) listener();
  }
}
