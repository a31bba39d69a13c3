import { describe, expect, it } from 'vitest';
import { EMPTY_TABS, tabLayout, tabsReducer, type Tab, type TabList } from './tabList.ts';

const tab = (id: string): Tab => ({ id, title: id, content: { kind: 'local' } });
const ids = (state: TabList) => state.tabs.map((t) => t.id);
const open = (...names: string[]) =>
  names.reduce((state, name) => tabsReducer(state, { type: 'open', tab: tab(name) }), EMPTY_TABS);

describe('the tab list', () => {
  it('opens tabs at the end and activates them', () => {
    const state = open('a', 'b', 'c');
    expect(ids(state)).toEqual(['a', 'b', 'c']);
    expect(state.activeId).toBe('c');
  });

  it('closing the active tab activates the one to its right, or to its left at the end', () => {
    let state = tabsReducer(open('a', 'b', 'c'), { type: 'activate', id: 'b' });
    state = tabsReducer(state, { type: 'close', id: 'b' });
    expect(state.activeId).toBe('c');
    state = tabsReducer(state, { type: 'close', id: 'c' });
    expect(state.activeId).toBe('a');
    state = tabsReducer(state, { type: 'close', id: 'a' });
    expect(state).toEqual(EMPTY_TABS);
  });

  it('closing another tab keeps the active one', () => {
    const state = tabsReducer(open('a', 'b', 'c'), { type: 'close', id: 'a' });
    expect(state.activeId).toBe('c');
    expect(ids(state)).toEqual(['b', 'c']);
  });

  it('moves a tab, clamped to the strip', () => {
    let state = tabsReducer(open('a', 'b', 'c'), { type: 'move', id: 'a', toIndex: 2 });
    expect(ids(state)).toEqual(['b', 'c', 'a']);
    state = tabsReducer(state, { type: 'move', id: 'a', toIndex: -5 });
    expect(ids(state)).toEqual(['a', 'b', 'c']);
    expect(tabsReducer(state, { type: 'move', id: 'zzz', toIndex: 0 })).toBe(state);
  });

  it('steps through tabs round the end', () => {
    let state = open('a', 'b', 'c');
    state = tabsReducer(state, { type: 'step', by: 1 });
    expect(state.activeId).toBe('a');
    state = tabsReducer(state, { type: 'step', by: -1 });
    expect(state.activeId).toBe('c');
  });

  it('ignores unknown ids', () => {
    const state = open('a');
    expect(tabsReducer(state, { type: 'activate', id: 'x' })).toBe(state);
    expect(tabsReducer(state, { type: 'close', id: 'x' })).toBe(state);
  });
});

describe('a terminal tab’s panes in the tab list', () => {
  it('splits a terminal tab, and closes it with its last pane', () => {
    let state = open('a', 'b');
    state = tabsReducer(state, { type: 'pane', tabId: 'a', change: { type: 'split', direction: 'right' } });
    const [a, b] = state.tabs;
    expect(a?.layout && Object.keys(a.layout.panes)).toEqual(['a', 'a/2']);
    expect(b && tabLayout(b)?.focusedId).toBe('b');
    state = tabsReducer(state, { type: 'pane', tabId: 'a', change: { type: 'close' } });
    expect(ids(state)).toEqual(['a', 'b']);
    state = tabsReducer(state, { type: 'pane', tabId: 'a', change: { type: 'close' } });
    expect(ids(state)).toEqual(['b']);
  });

  it('leaves pages alone, except that closing their pane closes them', () => {
    const settings: Tab = { id: 's', title: 'Settings', content: { kind: 'settings' } };
    let state = tabsReducer(EMPTY_TABS, { type: 'open', tab: settings });
    expect(tabLayout(settings)).toBeUndefined();
    const split = tabsReducer(state, {
      type: 'pane',
      tabId: 's',
      change: { type: 'split', direction: 'down' },
    });
    expect(split).toBe(state);
    state = tabsReducer(state, { type: 'pane', tabId: 's', change: { type: 'close' } });
    expect(state).toEqual(EMPTY_TABS);
    expect(tabsReducer(state, { type: 'pane', tabId: 'x', change: { type: 'close' } })).toBe(state);
  });

  it('ignores a change that changes nothing (focusing the focused pane)', () => {
    const state = open('a');
    expect(tabsReducer(state, { type: 'pane', tabId: 'a', change: { type: 'focus', paneId: 'a' } })).toBe(
      state,
    );
  });
});
