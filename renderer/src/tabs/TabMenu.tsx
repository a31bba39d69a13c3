import { Button, Menu, MenuItem, MenuTrigger, Popover, Separator } from 'react-aria-components';
import type { TerminalLogState } from '../../../shared/src/terminals.ts';
import { paneIds, type PaneChange } from '../panes/paneLayout.ts';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import { tabLayout, type Tab, type TabAction } from './tabList.ts';

/** The strip's `menu`: terminal tabs get one, pages and file panes do not. Its log items act on the focused pane. */
export function terminalTabMenus(props: {
  logs: Record<string, TerminalLogState>;
  statuses: Record<string, TerminalStatus>;
  toggle: (paneId: string) => void;
  openFolder: () => void;
  dispatch: (action: TabAction) => void;
}) {
  return (tab: Tab, isOpen: boolean, setOpen: (open: boolean) => void) => {
    const layout = tabLayout(tab);
    if (!layout) return null;
    const focused = layout.focusedId;
    return (
      <TabMenu
        title={tab.title}
        logging={Boolean(props.logs[focused]?.path)}
        connected={props.statuses[focused]?.state === 'connected'}
        panes={paneIds(layout.tree).length}
        broadcast={layout.broadcast}
        isOpen={isOpen}
        onOpenChange={setOpen}
        onToggleLog={() => props.toggle(focused)}
        onOpenLogFolder={props.openFolder}
        onPane={(change) => props.dispatch({ type: 'pane', tabId: tab.id, change })}
      />
    );
  };
}

const PANE_ITEMS: Record<string, PaneChange> = {
  right: { type: 'split', direction: 'right' },
  down: { type: 'split', direction: 'down' },
  broadcast: { type: 'broadcast' },
  close: { type: 'close' },
};

/**
 * A terminal tab's menu: split the focused pane, broadcast, close the pane; start or stop the focused
 * pane's session log, open the log folder. Opened by its button, a right click on the tab, or
 * Shift+F10 / the menu key on the focused tab (the strip's one tab stop), so the button itself stays
 * out of the tab order as the close button does.
 */
export function TabMenu(props: {
  title: string;
  logging: boolean;
  /** Whether the session is there to start or stop a log in. */
  connected: boolean;
  /** How many panes the tab has, and whether it broadcasts to them. */
  panes: number;
  broadcast: boolean;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onToggleLog: () => void;
  onOpenLogFolder: () => void;
  onPane: (change: PaneChange) => void;
}) {
  const disabled = [...(props.connected ? [] : ['log']), ...(props.panes > 1 ? [] : ['broadcast'])];
  return (
    <MenuTrigger isOpen={props.isOpen} onOpenChange={props.onOpenChange}>
      <Button className="tab-menu" excludeFromTabOrder aria-label={`Actions for ${props.title}`}>
        ⋯
      </Button>
      <Popover placement="bottom end">
        <Menu
          aria-label={`Actions for ${props.title}`}
          disabledKeys={disabled}
          onAction={(key) => {
            const pane = PANE_ITEMS[String(key)];
            if (pane) props.onPane(pane);
            else if (key === 'log') props.onToggleLog();
            else props.onOpenLogFolder();
          }}
        >
          <MenuItem id="right">Split right</MenuItem>
          <MenuItem id="down">Split down</MenuItem>
          <MenuItem id="broadcast">
            {props.broadcast ? 'Stop broadcasting' : 'Broadcast to all panes'}
          </MenuItem>
          {props.panes > 1 && <MenuItem id="close">Close pane</MenuItem>}
          <Separator />
          <MenuItem id="log">{props.logging ? 'Stop logging' : 'Start logging'}</MenuItem>
          <MenuItem id="folder">Open log folder</MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
