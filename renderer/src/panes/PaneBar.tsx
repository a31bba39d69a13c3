import { Button, ToggleButton } from 'react-aria-components';
import type { PaneChange } from './paneLayout.ts';
import { PANE_KEYS } from './paneKeys.ts';

/**
 * The bar over a tab's panes (shown from two panes on): split the focused pane, and the tab's
 * broadcast switch with how many panes receive what is typed.
 */
export function PaneBar(props: {
  tabTitle: string;
  broadcast: boolean;
  receiving: number;
  panes: number;
  onChange: (change: PaneChange) => void;
}) {
  const { onChange } = props;
  return (
    <div className="pane-bar" role="toolbar" aria-label={`Panes of ${props.tabTitle}`}>
      <Button
        onPress={() => onChange({ type: 'split', direction: 'right' })}
        aria-keyshortcuts={PANE_KEYS.right.aria}
        className="react-aria-Button small"
      >
        Split right
      </Button>
      <Button
        onPress={() => onChange({ type: 'split', direction: 'down' })}
        aria-keyshortcuts={PANE_KEYS.down.aria}
        className="react-aria-Button small"
      >
        Split down
      </Button>
      <ToggleButton
        isSelected={props.broadcast}
        onChange={() => onChange({ type: 'broadcast' })}
        aria-keyshortcuts={PANE_KEYS.broadcast.aria}
        className="react-aria-Button small pane-broadcast-switch"
      >
        Broadcast to all panes
      </ToggleButton>
      <span className="pane-bar-note muted" role="status">
        {props.broadcast
          ? `Typing goes to ${props.receiving} of ${props.panes} panes · click a pane’s tag to leave it out`
          : `${PANE_KEYS.move} or a click move between panes · ${PANE_KEYS.broadcast.label} broadcasts`}
      </span>
    </div>
  );
}
