import type { KeyboardPlatform } from '../app/keyboardPlatform.ts';
import type { FocusDirection, PaneChange } from '../panes/paneLayout.ts';
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

const ARROWS: Record<string, FocusDirection> = {
  ARROWLEFT: 'left',
  ARROWRIGHT: 'right',
  ARROWUP: 'up',
  ARROWDOWN: 'down',
};

/**
 * What a key press does to the tabs, if anything. On a Mac, Cmd belongs to the app, as in Terminal
 * and iTerm: Cmd+T new local tab, Cmd+W close the tab (not the window: that is Cmd+Shift+W in the
 * menu), Cmd+Shift+[ / ] previous / next, Cmd+1…8 that tab and Cmd+9 the last. Elsewhere plain
 * Ctrl+letter belongs to the shell, so the keys carry Shift as Tabby and Windows Terminal do: Ctrl+
 * Shift+T, Ctrl+Shift+W, Ctrl+Shift+PageUp/PageDown to move a tab. Ctrl+(Shift+)Tab switches on both.
 *
 * Panes, as iTerm on a Mac: Cmd+D splits right, Cmd+Shift+D down, Cmd+Option+arrows and Cmd+[ / ]
 * move between panes, Cmd+Option+I broadcasts to the tab's panes; Cmd+W closes the focused pane (the
 * tab with its last). Elsewhere Ctrl+Shift+D right, Ctrl+Shift+E down, Ctrl+Alt+arrows (Tabby's),
 * Ctrl+Shift+B broadcast, Ctrl+Shift+W the pane.
 */
export function shortcutFor(
  press: KeyPress,
  platform: KeyboardPlatform,
  tabs: TabList,
): Shortcut | undefined {
  const active = tabs.activeId;
  const key = press.key.toUpperCase();
  const pane = (change: PaneChange): Shortcut | undefined =>
    active ? { type: 'pane', tabId: active, change } : undefined;
  if (press.ctrlKey && !press.metaKey && !press.altKey && key === 'TAB') {
    return { type: 'step', by: press.shiftKey ? -1 : 1 };
  }
  if (platform === 'mac') {
    if (!press.metaKey || press.ctrlKey) return undefined;
    // Option changes press.key (Option+I is "ˆ"): the physical key decides.
    if (press.altKey && !press.shiftKey) {
      const direction = ARROWS[key];
      if (direction) return pane({ type: 'toward', direction });
      return press.code === 'KeyI' ? pane({ type: 'broadcast' }) : undefined;
    }
    if (press.altKey) return undefined;
    if (press.shiftKey) {
      if (press.code === 'BracketLeft') return { type: 'step', by: -1 };
      if (press.code === 'BracketRight') return { type: 'step', by: 1 };
      if (press.code === 'KeyD') return pane({ type: 'split', direction: 'down' });
      return undefined;
    }
    if (press.code === 'BracketLeft') return pane({ type: 'step', by: -1 });
    if (press.code === 'BracketRight') return pane({ type: 'step', by: 1 });
    if (key === 'D') return pane({ type: 'split', direction: 'right' });
    if (key === 'T') return { type: 'openLocal' };
    if (key === 'W') return pane({ type: 'close' });
    const digit = /^Digit([1-9])$/.exec(press.code)?.[1];
    if (digit) {
      const tab = digit === '9' ? tabs.tabs.at(-1) : tabs.tabs[Number(digit) - 1];
      return tab ? { type: 'activate', id: tab.id } : undefined;
    }
    return undefined;
  }
  if (press.ctrlKey && press.altKey && !press.shiftKey && !press.metaKey && ARROWS[key])
    return pane({ type: 'toward', direction: ARROWS[key] });
  if (!press.ctrlKey || !press.shiftKey || press.altKey || press.metaKey) return undefined;
  if (key === 'T') return { type: 'openLocal' };
  if (key === 'W') return pane({ type: 'close' });
  if (key === 'D') return pane({ type: 'split', direction: 'right' });
  if (key === 'E') return pane({ type: 'split', direction: 'down' });
  if (key === 'B') return pane({ type: 'broadcast' });
  if ((key === 'PAGEUP' || key === 'PAGEDOWN') && active) {
    const index = tabs.tabs.findIndex((t) => t.id === active);
    return { type: 'move', id: active, toIndex: index + (key === 'PAGEUP' ? -1 : 1) };
  }
  return undefined;
}
