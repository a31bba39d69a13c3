import type { CSSProperties, KeyboardEvent, PointerEvent, RefObject } from 'react';
import type { Divider } from './paneLayout.ts';

const KEY_STEP: Record<string, number> = {
  ArrowLeft: -0.05,
  ArrowUp: -0.05,
  ArrowRight: 0.05,
  ArrowDown: 0.05,
};

/**
 * The boundary between two panes: dragged with the pointer, or focused and moved with the arrows
 * (a WAI-ARIA window splitter; its value is where the boundary is, in percent of its split).
 */
export function PaneDivider(props: {
  divider: Divider;
  label: string;
  grid: RefObject<HTMLDivElement | null>;
  onResize: (at: number) => void;
}) {
  const { line, within, axis } = props.divider;
  const row = axis === 'row';
  const share = row ? (line.x - within.x) / within.w : (line.y - within.y) / within.h;
  const at = (event: PointerEvent) => {
    const box = props.grid.current?.getBoundingClientRect();
    if (!box) return share;
    return row
      ? ((event.clientX - box.left) / box.width - within.x) / within.w
      : ((event.clientY - box.top) / box.height - within.y) / within.h;
  };
  const style: CSSProperties = row
    ? { left: `${line.x * 100}%`, top: `${line.y * 100}%`, height: `${line.h * 100}%` }
    : { top: `${line.y * 100}%`, left: `${line.x * 100}%`, width: `${line.w * 100}%` };
  return (
    <div
      role="separator"
      tabIndex={0}
      aria-label={props.label}
      aria-orientation={row ? 'vertical' : 'horizontal'}
      aria-valuenow={Math.round(share * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
      className={`pane-divider ${axis}`}
      style={style}
      onPointerDown={(event) => {
        event.preventDefault();
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        if (event.currentTarget.hasPointerCapture(event.pointerId)) props.onResize(at(event));
      }}
      onKeyDown={(event: KeyboardEvent) => {
        const step = KEY_STEP[event.key];
        if (step === undefined) return;
        event.preventDefault();
        props.onResize(share + step);
      }}
    />
  );
}
