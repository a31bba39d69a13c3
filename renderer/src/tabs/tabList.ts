import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import {
  changePanes,
  isTerminalContent,
  singlePane,
  type PaneChange,
  type PaneLayout,
} from '../panes/paneLayout.ts';

/** What a tab shows: a node's shell, the gateway menu, a local shell, or a node's files. */
export type TabContent =
  | { kind: 'node'; target: ConnectionTarget; nodeId: number; envName: string }
  | { kind: 'menu'; target: ConnectionTarget }
  | { kind: 'local' }
  | { kind: 'files'; target: ConnectionTarget; nodeId: number; envName: string; nodeType: string }
  | { kind: 'host'; target: ConnectionTarget; hostId: string; name: string }
  | { kind: 'hostFiles'; target: ConnectionTarget; hostId: string; name: string }
  | { kind: 'keys' }
  | { kind: 'settings' };

export interface Tab {
  id: string;
  title: string;
  /** The tab's first pane (a terminal tab) or its one view. */
  content: TabContent;
  /** A terminal tab's panes, once it has been split (or opened on a group's nodes); see `tabLayout`. */
  layout?: PaneLayout;
}

/** A terminal tab's panes (one, with the tab's id, until it is split); undefined for other tabs. */
export function tabLayout(tab: Tab): PaneLayout | undefined {
  if (tab.layout) return tab.layout;
  return isTerminalContent(tab.content) ? singlePane(tab.id, tab.content) : undefined;
}

export interface TabList {
  tabs: Tab[];
  activeId: string | null;
}

export const EMPTY_TABS: TabList = { tabs: [], activeId: null };

export type TabAction =
  | { type: 'open'; tab: Tab }
  | { type: 'close'; id: string }
  | { type: 'activate'; id: string }
  | { type: 'move'; id: string; toIndex: number }
  | { type: 'step'; by: 1 | -1 }
  | { type: 'pane'; tabId: string; change: PaneChange };

/** The tab strip's state changes, kept pure so they are tested without a screen. */
export function tabsReducer(state: TabList, action: TabAction): TabList {
  switch (action.type) {
    case 'open':
      return { tabs: [...state.tabs, action.tab], activeId: action.tab.id };
    case 'close': {
      const index = state.tabs.findIndex((t) => t.id === action.id);
      if (index < 0) return state;
      const tabs = state.tabs.filter((t) => t.id !== action.id);
      if (state.activeId !== action.id) return { ...state, tabs };
      // As browsers do: the tab to the right takes over, or the one to the left at the end.
      const next = tabs[index] ?? tabs[index - 1];
      return { tabs, activeId: next?.id ?? null };
    }
    case 'activate':
      return state.tabs.some((t) => t.id === action.id) ? { ...state, activeId: action.id } : state;
    case 'move': {
      const from = state.tabs.findIndex((t) => t.id === action.id);
      if (from < 0) return state;
      const to = Math.min(Math.max(action.toIndex, 0), state.tabs.length - 1);
      if (to === from) return state;
      const tabs = [...state.tabs];
      tabs.splice(to, 0, ...tabs.splice(from, 1));
      return { ...state, tabs };
    }
    case 'step': {
      if (state.tabs.length === 0) return state;
      const index = state.tabs.findIndex((t) => t.id === state.activeId);
      const next = state.tabs[(index + action.by + state.tabs.length) % state.tabs.length];
      return next ? { ...state, activeId: next.id } : state;
    }
    case 'pane': {
      const tab = state.tabs.find((t) => t.id === action.tabId);
      const layout = tab && tabLayout(tab);
      if (!tab) return state;
      // A page or file pane has one view: closing its "pane" closes the tab; nothing else applies.
      if (!layout)
        return action.change.type === 'close' ? tabsReducer(state, { type: 'close', id: tab.id }) : state;
      const next = changePanes(layout, action.change, tab.id);
      if (next === null) return tabsReducer(state, { type: 'close', id: tab.id });
      if (next === layout) return state;
      return { ...state, tabs: state.tabs.map((t) => (t === tab ? { ...tab, layout: next } : t)) };
    }
  }
}
