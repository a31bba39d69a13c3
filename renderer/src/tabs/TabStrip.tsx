import { useState, type ReactNode } from 'react';
import { Button, Tab, TabList, Tabs } from 'react-aria-components';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { Tab as TabModel, TabAction, TabList as TabListModel } from './tabList.ts';

const STATE_WORDS: Record<TerminalStatus['state'], string> = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
  exited: 'exited',
};

const TAB_TYPE = 'application/x-enscale-tab';

/** The id react-aria gives the panel of the tab whose DOM id is `tabDomId` (its aria-controls). */
const panelIdFor = (tabDomId: string, key: string): string =>
  `${tabDomId.slice(0, -`-tab-${key}`.length)}-tabpanel-${key}`;

/**
 * The tab strip: a state dot per tab, close buttons, reordering by drag or Ctrl+Shift+PageUp/Down,
 * and every panel kept mounted so terminals keep their screens while hidden.
 *
 * The panels are plain `role="tabpanel"` elements wired to react-aria's tabs by id, rendered beside
 * its Tabs rather than inside (react-aria builds its collection from everything inside, which breaks
 * the collections of panels — breadcrumbs, tables — and costs time), and not its TabPanel: that one watches its whole subtree with a MutationObserver and walks it for focusable
 * elements on every change, and xterm.js's DOM renderer changes the rows every frame (a 20 MB `cat`
 * spent a fifth of its time in that walk).
 */
export function TabStrip(props: {
  tabs: TabListModel;
  dispatch: (action: TabAction) => void;
  statuses: Record<string, TerminalStatus>;
  panel: (tab: TabModel, active: boolean) => ReactNode;
  empty: ReactNode;
}) {
  const { tabs, dispatch } = props;
  const [dragOver, setDragOver] = useState<string>();
  const [domIds, setDomIds] = useState<Record<string, string>>({});
  const tabRef = (key: string) => (element: HTMLDivElement | null) => {
    if (element && element.id && domIds[key] !== element.id)
      setDomIds((ids) => ({ ...ids, [key]: element.id }));
  };
  if (tabs.tabs.length === 0) return <div className="tabs-empty">{props.empty}</div>;

  return (
    <div className="tabs">
      <Tabs
        className="tab-strip"
        selectedKey={tabs.activeId ?? tabs.tabs[0]?.id}
        onSelectionChange={(key) => dispatch({ type: 'activate', id: String(key) })}
      >
        <TabList aria-label="Open tabs" className="tab-list">
          {tabs.tabs.map((tab) => {
            const state = props.statuses[tab.id]?.state;
            return (
              <Tab key={tab.id} id={tab.id} className="tab" ref={tabRef(tab.id)}>
                <span
                  className={dragOver === tab.id ? 'tab-body drag-over' : 'tab-body'}
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
                    const toIndex = tabs.tabs.findIndex((t) => t.id === tab.id);
                    if (id && id !== tab.id) dispatch({ type: 'move', id, toIndex });
                  }}
                >
                  {state && <span className={`state-dot ${state}`} aria-hidden="true" />}
                  <span className="tab-title">{tab.title}</span>
                  {state && <span className="visually-hidden"> ({STATE_WORDS[state]})</span>}
                </span>
                <Button
                  className="tab-close"
                  aria-label={`Close ${tab.title}`}
                  onPress={() => dispatch({ type: 'close', id: tab.id })}
                >
                  ×
                </Button>
              </Tab>
            );
          })}
        </TabList>
      </Tabs>
      {tabs.tabs.map((tab) => {
        const active = tab.id === tabs.activeId;
        const tabDomId = domIds[tab.id];
        return (
          <div
            key={tab.id}
            role="tabpanel"
            id={tabDomId ? panelIdFor(tabDomId, tab.id) : undefined}
            aria-labelledby={tabDomId}
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
