import { describe, expect, it } from 'vitest';
import type { TabList } from '../tabs/tabList.ts';
import { shortcutFor, type KeyPress } from './shortcuts.ts';

const tabs: TabList = {
  tabs: ['a', 'b', 'c', 'd'].map(
    (id) => ({ id, title: id, content: { kind: 'local' } }) as TabList['tabs'][number],
  ),
  activeId: 'b',
};
const press = (key: string, code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});
const cmd = { metaKey: true };
const ctrlShift = { ctrlKey: true, shiftKey: true };

describe('the workbench’s shortcuts', () => {
  it('on a Mac, Cmd+T/W/Shift+[ ]/1–9 act on tabs, so Cmd+W never closes the window', () => {
    const mac = (p: KeyPress) => shortcutFor(p, 'mac', tabs);
    expect(mac(press('t', 'KeyT', cmd))).toEqual({ type: 'openLocal' });
    expect(mac(press('w', 'KeyW', cmd))).toEqual({ type: 'pane', tabId: 'b', change: { type: 'close' } });
    expect(mac(press('{', 'BracketLeft', { ...cmd, shiftKey: true }))).toEqual({ type: 'step', by: -1 });
    expect(mac(press('}', 'BracketRight', { ...cmd, shiftKey: true }))).toEqual({ type: 'step', by: 1 });
    expect(mac(press('1', 'Digit1', cmd))).toEqual({ type: 'activate', id: 'a' });
    expect(mac(press('3', 'Digit3', cmd))).toEqual({ type: 'activate', id: 'c' });
    expect(mac(press('9', 'Digit9', cmd))).toEqual({ type: 'activate', id: 'd' });
    expect(mac(press('7', 'Digit7', cmd))).toBeUndefined();
    expect(mac(press('Tab', 'Tab', { ctrlKey: true }))).toEqual({ type: 'step', by: 1 });
    // Ctrl+letter goes to the shell on a Mac too; Cmd+C/V stay the menu's copy and paste.
    expect(mac(press('w', 'KeyW', { ctrlKey: true }))).toBeUndefined();
    expect(mac(press('c', 'KeyC', cmd))).toBeUndefined();
    expect(mac(press('T', 'KeyT', ctrlShift))).toBeUndefined();
  });

  it('elsewhere, Ctrl+Shift keys act on tabs and plain Ctrl+letter reaches the shell', () => {
    const other = (p: KeyPress) => shortcutFor(p, 'other', tabs);
    expect(other(press('T', 'KeyT', ctrlShift))).toEqual({ type: 'openLocal' });
    expect(other(press('W', 'KeyW', ctrlShift))).toEqual({
      type: 'pane',
      tabId: 'b',
      change: { type: 'close' },
    });
    expect(other(press('PageUp', 'PageUp', ctrlShift))).toEqual({ type: 'move', id: 'b', toIndex: 0 });
    expect(other(press('Tab', 'Tab', { ctrlKey: true, shiftKey: true }))).toEqual({ type: 'step', by: -1 });
    expect(other(press('w', 'KeyW', { ctrlKey: true }))).toBeUndefined();
    expect(other(press('t', 'KeyT', cmd))).toBeUndefined();
    expect(other(press('1', 'Digit1', { altKey: true }))).toBeUndefined();
  });

  it('splits, moves between, broadcasts to and closes panes of the active tab', () => {
    const on = (change: unknown) => ({ type: 'pane', tabId: 'b', change });
    const mac = (p: KeyPress) => shortcutFor(p, 'mac', tabs);
    expect(mac(press('d', 'KeyD', cmd))).toEqual(on({ type: 'split', direction: 'right' }));
    expect(mac(press('D', 'KeyD', { ...cmd, shiftKey: true }))).toEqual(
      on({ type: 'split', direction: 'down' }),
    );
    expect(mac(press('ArrowLeft', 'ArrowLeft', { ...cmd, altKey: true }))).toEqual(
      on({ type: 'toward', direction: 'left' }),
    );
    expect(mac(press('ˆ', 'KeyI', { ...cmd, altKey: true }))).toEqual(on({ type: 'broadcast' }));
    expect(mac(press(']', 'BracketRight', cmd))).toEqual(on({ type: 'step', by: 1 }));
    expect(mac(press('d', 'KeyD', { ctrlKey: true }))).toBeUndefined();

    const other = (p: KeyPress) => shortcutFor(p, 'other', tabs);
    expect(other(press('D', 'KeyD', ctrlShift))).toEqual(on({ type: 'split', direction: 'right' }));
    expect(other(press('E', 'KeyE', ctrlShift))).toEqual(on({ type: 'split', direction: 'down' }));
    expect(other(press('B', 'KeyB', ctrlShift))).toEqual(on({ type: 'broadcast' }));
    expect(other(press('ArrowDown', 'ArrowDown', { ctrlKey: true, altKey: true }))).toEqual(
      on({ type: 'toward', direction: 'down' }),
    );
    // Ctrl+D (end of input) and Alt+arrows (words, in some shells) stay the shell's.
    expect(other(press('d', 'KeyD', { ctrlKey: true }))).toBeUndefined();
    expect(other(press('ArrowLeft', 'ArrowLeft', { altKey: true }))).toBeUndefined();
    expect(shortcutFor(press('D', 'KeyD', ctrlShift), 'other', { tabs: [], activeId: null })).toBeUndefined();
  });
});
