import type { KeyboardPlatform } from '../app/keyboardPlatform.ts';
import type { TabAction, TabList } from '../tabs/tabList.ts';

/** The parts of a key event the workbench's shortcuts look at. */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export type Shortcut = TabAction | { type: 'openLocal' };

/**
 * What a key press does to the tabs, if anything. On a Mac, Cmd belongs to the app, as in Terminal
 * and iTerm: Cmd+T new local tab, Cmd+W close the tab (not the window: that is Cmd+Shift+W in the
 * menu), Cmd+Shift+[ / ] previous / next, Cmd+1…8 that tab and Cmd+9 the last. Elsewhere plain
 * Ctrl+letter belongs to the shell, so the keys carry Shift as Tabby and Windows Terminal do: Ctrl+
 * Shift+T, Ctrl+Shift+W, Ctrl+Shift+PageUp/PageDown to move a tab. Ctrl+(Shift+)Tab switches on both.
 */
export function shortcutFor(
  press: KeyPress,
  platform: KeyboardPlatform,
  tabs: TabList,
): Shortcut | undefined {
  const active = tabs.activeId;
  const key = press.key.toUpperCase();
  if (press.ctrlKey && !press.metaKey && !press.altKey && key === 'TAB') {
    return { type: 'step', by: press.shiftKey ? -1 : 1 };
  }
  if (platform === 'mac') {
    if (!press.metaKey || press.ctrlKey || press.altKey) return undefined;
    if (press.shiftKey) {
      if (press.code === 'BracketLeft') return { type: 'step', by: -1 };
      if (press.code === 'BracketRight') return { type: 'step', by: 1 };
      return undefined;
    }
    if (key === 'T') return { type: 'openLocal' };
    if (key === 'W') return active ? { type: 'close', id: active } : undefined;
    const digit = /^Digit([1-9])$/.exec(press.code)?.[1];
    if (digit) {
      const tab = digit === '9' ? tabs.tabs.at(-1) : tabs.tabs[Number(digit) - 1];
      return tab ? { type: 'activate', id: tab.id } : undefined;
    }
    return undefined;
  }
  if (!press.ctrlKey || !press.shiftKey || press.altKey || press.metaKey) return undefined;
  if (key === 'T') return { type: 'openLocal' };
  if (key === 'W') return active ? { type: 'close', id: active } : undefined;
  if ((key === 'PAGEUP' || key === 'PAGEDOWN') && active) {
    const index = tabs.tabs.findIndex((t) => t.id === active);
    return { type: 'move', id: active, toIndex: index + (key === 'PAGEUP' ? -1 : 1) };
  }
  return undefined;
}
