import type { CSSProperties, ReactNode } from 'react';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { Rect } from './paneLayout.ts';

/** Where a pane sits in the grid: its share, less a 1 px seam on each inner edge. */
function place(rect: Rect): CSSProperties {
  const inner = (start: number, size: number) => (start > 0 ? 1 : 0) + (start + size < 0.9999 ? 1 : 0);
  return {
    left: `calc(${rect.x * 100}% + ${rect.x > 0 ? 1 : 0}px)`,
    top: `calc(${rect.y * 100}% + ${rect.y > 0 ? 1 : 0}px)`,
    width: `calc(${rect.w * 100}% - ${inner(rect.x, rect.w)}px)`,
    height: `calc(${rect.h * 100}% - ${inner(rect.y, rect.h)}px)`,
  };
}

/** A click on the head's buttons leaves the keyboard where it was (in the focused pane's terminal). */
const keepFocus = {
  onMouseDown: (event: React.MouseEvent) => event.preventDefault(),
  onPointerDown: (event: React.PointerEvent) => event.stopPropagation(),
};

/**
 * One pane of a tab: with two or more, a head with its node, state, broadcast tag and close button.
 * While the tab broadcasts, a receiving pane has a coloured border and a BROADCAST tag; a pane that
 * is not receiving (left out, or its session is not connected) has a dashed border and says why. The
 * tag is a toggle (pressed: the pane is in the broadcast), named by what it shows and the pane, e.g.
 * "BROADCAST, 518839 · shop": a click leaves the pane out of the broadcast or puts it back, as in iTerm.
 */
export function PaneFrame(props: {
  title: string;
  rect: Rect;
  multi: boolean;
  focused: boolean;
  status: TerminalStatus | undefined;
  /** While the tab broadcasts: whether the pane is in it, and why it receives nothing if it does not. */
  broadcast: { included: boolean; why: string | undefined } | undefined;
  onFocus: () => void;
  onToggleBroadcast: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const { title, broadcast } = props;
  const receiving = broadcast !== undefined && broadcast.why === undefined;
  const classes = ['pane'];
  if (props.multi && props.focused) classes.push('focused');
  if (broadcast) classes.push(receiving ? 'receiving' : 'not-receiving');
  const state = broadcast
    ? receiving
      ? ', receiving broadcast'
      : `, not receiving broadcast (${broadcast.why ?? ''})`
    : '';
  return (
    <div
      role="group"
      aria-label={`Pane ${title}${state}`}
      className={classes.join(' ')}
      style={place(props.rect)}
      onFocus={props.onFocus}
      onPointerDown={props.onFocus}
    >
      {props.multi && (
        <div className="pane-head">
          <span className={`state-dot ${props.status?.state ?? 'connecting'}`} aria-hidden="true" />
          <span className="pane-title">{title}</span>
          {!broadcast && props.status && props.status.state !== 'connected' && (
            <span className="pane-state muted">{props.status.state}</span>
          )}
          {broadcast && (
            <button
              type="button"
              className="pane-tag"
              aria-pressed={broadcast.included}
              title={
                broadcast.included
                  ? 'Click to leave this pane out of the broadcast'
                  : 'Click to put this pane back in the broadcast'
              }
              onClick={props.onToggleBroadcast}
              {...keepFocus}
            >
              {receiving ? 'BROADCAST' : `NOT RECEIVING · ${broadcast.why ?? ''}`}
              <span className="visually-hidden">, {title}</span>
            </button>
          )}
          <button
            type="button"
            className="pane-close"
            aria-label={`Close pane ${title}`}
            onClick={props.onClose}
            {...keepFocus}
          >
            ×
          </button>
        </div>
      )}
      {props.children}
    </div>
  );
}
