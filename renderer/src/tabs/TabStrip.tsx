import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { Tab as TabModel, TabAction, TabList as TabListModel } from './tabList.ts';

const STATE_WORDS: Record<TerminalStatus['state'], string> = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
  exited: 'exited',
};

const TAB_TYPE = 'application/x-enscale-tab';

/**
 * The tab strip: a state dot per tab, close buttons, reordering by drag or Ctrl+Shift+PageUp/Down,
 * and every panel kept mounted so terminals keep their screens while hidden.
 *
 * The WAI-ARIA tabs pattern, with each tab's close button as a sibling of its `role="tab"`, never
 * inside it (a button in a tab is a control in a control, which screen readers cannot reach). The
 * tabs sit beside their close buttons, so the `tablist` owns them by `aria-owns` rather than by
 * containing them. One tab stop for the strip: arrows, Home and End move between tabs and show
 * them; Delete closes the focused tab, as does its close button for the pointer.
 *
 * The panels are plain `role="tabpanel"` elements: react-aria's TabPanel watches its whole subtree
 * with a MutationObserver and walks it for focusable elements on every change, and xterm.js's DOM
 * renderer changes the rows every frame (a 20 MB `cat` spent a fifth of its time in that walk).
 */
export function TabStrip(props: {
  tabs: TabListModel;
  dispatch: (action: TabAction) => void;
  statuses: Record<string, TerminalStatus>;
  panel: (tab: TabModel, active: boolean) => ReactNode;
  empty: ReactNode;
  /** The session log each terminal tab writes (a marker on the tab, its path on hover). */
  logs?: Record<string, { path: string | null }>;
  /** A tab's menu (terminal tabs), opened by its button, a right click or Shift+F10 on the tab. */
  menu?: (tab: TabModel, isOpen: boolean, setOpen: (open: boolean) => void) => ReactNode;
}) {
  const { tabs, dispatch } = props;
  const prefix = useId();
  const [dragOver, setDragOver] = useState<string>();
  const [menuFor, setMenuFor] = useState<string>();
  if (tabs.tabs.length === 0) return <div className="tabs-empty">{props.empty}</div>;

  const activeId = tabs.activeId ?? tabs.tabs[0]?.id;
  const tabDomId = (id: string) => `${prefix}-tab-${id}`;
  const panelDomId = (id: string) => `${prefix}-panel-${id}`;
  const show = (id: string) => {
    dispatch({ type: 'activate', id });
    document.getElementById(tabDomId(id))?.focus();
  };
  const onKeyDown = (event: KeyboardEvent, index: number, id: string) => {
    const count = tabs.tabs.length;
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % count,
      ArrowLeft: (index - 1 + count) % count,
      Home: 0,
      End: count - 1,
    };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      const next = tabs.tabs[to];
      if (next) show(next.id);
    } else if (event.key === 'Delete') {
      event.preventDefault();
      dispatch({ type: 'close', id });
    } else if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      setMenuFor(id);
    }
  };

  return (
    <div className="tabs">
      <div className="tab-list">
        <div
          role="tablist"
          aria-label="Open tabs"
          aria-owns={tabs.tabs.map((t) => tabDomId(t.id)).join(' ')}
        />
        {tabs.tabs.map((tab, index) => {
          const state = props.statuses[tab.id]?.state;
          const selected = tab.id === activeId;
          const log = state === 'connected' ? props.logs?.[tab.id]?.path : undefined;
          const menu = props.menu?.(tab, menuFor === tab.id, (open) => setMenuFor(open ? tab.id : undefined));
          return (
            <div key={tab.id} className="tab" data-selected={selected || undefined}>
              <div
                role="tab"
                id={tabDomId(tab.id)}
                aria-selected={selected}
                aria-controls={panelDomId(tab.id)}
                aria-keyshortcuts={menu ? 'Delete Shift+F10' : 'Delete'}
                tabIndex={selected ? 0 : -1}
                className={dragOver === tab.id ? 'tab-body drag-over' : 'tab-body'}
                onClick={() => dispatch({ type: 'activate', id: tab.id })}
                onKeyDown={(event) => onKeyDown(event, index, tab.id)}
                onContextMenu={(event) => {
                  if (!menu) return;
                  event.preventDefault();
                  setMenuFor(tab.id);
                }}
                draggable
                onDragStart={(event) => {
                  event.dataTransfer.setData(TAB_TYPE, tab.id);
                  event.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(event) => {
                  if (!event.dataTransfer.types.includes(TAB_TYPE)) return;
                  event.preventDefault();
                  setDragOver(tab.id);
                }}
                onDragLeave={() => setDragOver(undefined)}
                onDrop={(event) => {
                  setDragOver(undefined);
                  const id = event.dataTransfer.getData(TAB_TYPE);
                  if (id && id !== tab.id) dispatch({ type: 'move', id, toIndex: index });
                }}
              >
                {state && <span className={`state-dot ${state}`} aria-hidden="true" />}
                <span className="tab-title">{tab.title}</span>
                {state && <span className="visually-hidden"> ({STATE_WORDS[state]})</span>}
                {tab.layout?.broadcast && (
                  <span className="tab-broadcast" title="What is typed goes to every pane of this tab">
                    <span aria-hidden="true">BROADCAST</span>
                    <span className="visually-hidden">, broadcasting to its panes</span>
                  </span>
                )}
                {log && (
                  <span className="tab-log" title={`Logging to ${log}`}>
                    <span aria-hidden="true">LOG</span>
                    <span className="visually-hidden">, logging to a file</span>
                  </span>
                )}
              </div>
              {menu}
              {/* Not a tab stop of its own: the focused tab closes with Delete. */}
              <button
                type="button"
                className="tab-close"
                tabIndex={-1}
                aria-label={`Close ${tab.title}`}
                onClick={() => dispatch({ type: 'close', id: tab.id })}
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      {tabs.tabs.map((tab) => {
        const active = tab.id === activeId;
        return (
          <div
            key={tab.id}
            role="tabpanel"
            id={panelDomId(tab.id)}
            aria-labelledby={tabDomId(tab.id)}
            className={active ? 'tab-panel' : 'tab-panel inactive'}
            inert={!active}
          >
            {props.panel(tab, active)}
          </div>
        );
      })}
    </div>
  );
}
