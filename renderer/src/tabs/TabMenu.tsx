import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { TerminalLogState } from '../../../shared/src/terminals.ts';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { Tab } from './tabList.ts';

const TERMINAL_KINDS = new Set<Tab['content']['kind']>(['node', 'menu', 'local']);

/** The strip's `menu`: terminal tabs get one, pages and file panes do not. */
export function terminalTabMenus(props: {
  logs: Record<string, TerminalLogState>;
  statuses: Record<string, TerminalStatus>;
  toggle: (tabId: string) => void;
  openFolder: () => void;
}) {
  return (tab: Tab, isOpen: boolean, setOpen: (open: boolean) => void) =>
    TERMINAL_KINDS.has(tab.content.kind) ? (
      <TabMenu
        title={tab.title}
        logging={Boolean(props.logs[tab.id]?.path)}
        connected={props.statuses[tab.id]?.state === 'connected'}
        isOpen={isOpen}
        onOpenChange={setOpen}
        onToggleLog={() => props.toggle(tab.id)}
        onOpenLogFolder={props.openFolder}
      />
    ) : null;
}

/**
 * A terminal tab's menu: start or stop its session log, open the log folder. Opened by its button,
 * a right click on the tab, or Shift+F10 / the menu key on the focused tab (the strip's one tab
 * stop), so the button itself stays out of the tab order as the close button does.
 */
export function TabMenu(props: {
  title: string;
  logging: boolean;
  /** Whether the session is there to start or stop a log in. */
  connected: boolean;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onToggleLog: () => void;
  onOpenLogFolder: () => void;
}) {
  return (
    <MenuTrigger isOpen={props.isOpen} onOpenChange={props.onOpenChange}>
      <Button className="tab-menu" excludeFromTabOrder aria-label={`Actions for ${props.title}`}>
        ⋯
      </Button>
      <Popover placement="bottom end">
        <Menu
          aria-label={`Actions for ${props.title}`}
          disabledKeys={props.connected ? [] : ['log']}
          onAction={(key) => (key === 'log' ? props.onToggleLog() : props.onOpenLogFolder())}
        >
          <MenuItem id="log">{props.logging ? 'Stop logging' : 'Start logging'}</MenuItem>
          <MenuItem id="folder">Open log folder</MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
