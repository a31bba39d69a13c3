import { useRef, type ReactNode } from 'react';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import { PaneBar } from './PaneBar.tsx';
import { PaneDivider } from './PaneDivider.tsx';
import { PaneFrame } from './PaneFrame.tsx';
import {
  dividers,
  inBroadcast,
  paneIds,
  paneRects,
  splitAt,
  type PaneChange,
  type PaneLayout,
  type TerminalContent,
} from './paneLayout.ts';
import { notReceiving, paneNames } from './paneNames.ts';
import { useBroadcast, type PaneConnection } from './useBroadcast.ts';
import './panes.css';

const WHOLE = { x: 0, y: 0, w: 1, h: 1 };

/** What a pane's terminal gets from the grid. */
export interface PaneTerminal {
  label: string;
  /** Shown and focused: the tab is in front and this is its focused pane (it takes the keyboard). */
  active: boolean;
  onInput: (data: string) => void;
  onConnection: (connection: PaneConnection | undefined) => void;
  onClose: () => void;
}

/**
 * A terminal tab's panes. Every pane is a child of one box, placed by its share of the tab
 * (`paneRects`) and keyed by its id, so splitting or closing a pane never moves another pane's
 * terminal in the React tree: it is not mounted again, and its session goes on. (A nested split
 * component, as react-resizable-panels has, would put a pane under a new parent on its first split,
 * and React would start its terminal afresh.) Panes are in the page in the order they were made.
 */
export function PaneGrid(props: {
  tabTitle: string;
  layout: PaneLayout;
  active: boolean;
  statuses: Readonly<Record<string, TerminalStatus>>;
  onChange: (change: PaneChange) => void;
  terminal: (id: string, content: TerminalContent, pane: PaneTerminal) => ReactNode;
}) {
  const { layout, onChange } = props;
  const grid = useRef<HTMLDivElement>(null);
  const broadcast = useBroadcast(layout);
  const order = paneIds(layout.tree);
  const rects = paneRects(layout.tree);
  const names = paneNames(layout);
  const multi = order.length > 1;
  const why = (id: string) => notReceiving(layout, id, props.statuses[id]);
  const receiving = layout.broadcast ? order.filter((id) => why(id) === undefined).length : 0;
  const firstName = (path: readonly number[], index: number) => {
    const split = splitAt(layout.tree, path);
    const child = split?.kind === 'split' ? split.children[index] : undefined;
    const [first] = child ? paneIds(child) : [];
    return first ? names[first]?.title : undefined;
  };

  return (
    <div className="pane-area">
      {multi && (
        <PaneBar
          tabTitle={props.tabTitle}
          broadcast={layout.broadcast}
          receiving={receiving}
          panes={order.length}
          onChange={onChange}
        />
      )}
      <div className="pane-grid" ref={grid}>
        {Object.entries(layout.panes).map(([id, content]) => (
          <PaneFrame
            key={id}
            title={names[id]?.title ?? id}
            rect={rects.get(id) ?? WHOLE}
            multi={multi}
            focused={layout.focusedId === id}
            status={props.statuses[id]}
            broadcast={layout.broadcast ? { included: inBroadcast(layout, id), why: why(id) } : undefined}
            onFocus={() => {
              if (layout.focusedId !== id) onChange({ type: 'focus', paneId: id });
            }}
            onToggleBroadcast={() => onChange({ type: 'exclude', paneId: id })}
            onClose={() => onChange({ type: 'close', paneId: id })}
          >
            {props.terminal(id, content, {
              label: names[id]?.label ?? id,
              active: props.active && layout.focusedId === id,
              onInput: (data) => broadcast.send(id, data),
              onConnection: (connection) => broadcast.register(id, connection),
              onClose: () => onChange({ type: 'close', paneId: id }),
            })}
          </PaneFrame>
        ))}
        {dividers(layout.tree).map((divider) => (
          <PaneDivider
            key={`${divider.path.join('.')}:${divider.index}`}
            divider={divider}
            label={`Resize ${firstName(divider.path, divider.index) ?? ''} and ${firstName(divider.path, divider.index + 1) ?? ''}`}
            grid={grid}
            onResize={(at) => onChange({ type: 'resize', path: divider.path, index: divider.index, at })}
          />
        ))}
      </div>
    </div>
  );
}
