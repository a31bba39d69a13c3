import { describe, expect, it } from 'vitest';
import {
  changePanes,
  dividers,
  gridLayout,
  inputTargets,
  MIN_SHARE,
  paneIds,
  paneRects,
  singlePane,
  type PaneLayout,
  type PaneTree,
  type TerminalContent,
} from './paneLayout.ts';

const node = (nodeId: number): TerminalContent => ({
  kind: 'node',
  nodeId,
  envName: 'shop',
  target: { gateway: { host: '127.0.0.1', port: 3022 }, username: `${nodeId}-4856` },
});
const apply = (layout: PaneLayout, ...changes: Parameters<typeof changePanes>[1][]) =>
  changes.reduce<PaneLayout>((current, change) => {
    const next = changePanes(current, change, 't');
    if (!next) throw new Error('The tab closed.');
    return next;
  }, layout);
const shape = (tree: PaneTree): unknown =>
  tree.kind === 'pane' ? tree.id : { [tree.axis]: tree.children.map(shape), sizes: tree.sizes };

describe('a tab’s panes', () => {
  it('starts as one pane with the tab’s own id', () => {
    const layout = singlePane('t', node(1));
    expect(paneIds(layout.tree)).toEqual(['t']);
    expect(layout.focusedId).toBe('t');
    expect(paneRects(layout.tree).get('t')).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    expect(dividers(layout.tree)).toEqual([]);
  });

  it('splits right and down on the same target, focusing the new pane', () => {
    let layout = apply(singlePane('t', node(1)), { type: 'split', direction: 'right' });
    expect(shape(layout.tree)).toEqual({ row: ['t', 't/2'], sizes: [0.5, 0.5] });
    expect(layout.focusedId).toBe('t/2');
    expect(layout.panes['t/2']).toEqual(node(1));
    // Another split right of the same row: the pane halves its own share, the row stays flat.
    layout = apply(layout, { type: 'split', direction: 'right' });
    expect(shape(layout.tree)).toEqual({ row: ['t', 't/2', 't/3'], sizes: [0.5, 0.25, 0.25] });
    layout = apply(layout, { type: 'split', direction: 'down', paneId: 't' });
    expect(shape(layout.tree)).toEqual({
      row: [{ column: ['t', 't/4'], sizes: [0.5, 0.5] }, 't/2', 't/3'],
      sizes: [0.5, 0.25, 0.25],
    });
    expect(paneRects(layout.tree).get('t/4')).toEqual({ x: 0, y: 0.5, w: 0.5, h: 0.5 });
    expect(paneIds(layout.tree)).toEqual(['t', 't/4', 't/2', 't/3']);
  });

  it('closes a pane: its share goes to its siblings, a split of one collapses, the last closes the tab', () => {
    let layout = apply(
      singlePane('t', node(1)),
      { type: 'split', direction: 'right' },
      { type: 'split', direction: 'down' },
    );
    expect(shape(layout.tree)).toEqual({
      row: ['t', { column: ['t/2', 't/3'], sizes: [0.5, 0.5] }],
      sizes: [0.5, 0.5],
    });
    layout = apply(layout, { type: 'close' });
    expect(shape(layout.tree)).toEqual({ row: ['t', 't/2'], sizes: [0.5, 0.5] });
    expect(layout.focusedId).toBe('t/2');
    layout = apply(layout, { type: 'close', paneId: 't' });
    expect(shape(layout.tree)).toBe('t/2');
    expect(layout.panes).toEqual({ 't/2': node(1) });
    expect(changePanes(layout, { type: 'close' }, 't')).toBeNull();
  });

  it('lays a group’s nodes out in near-even rows', () => {
    const rows = (count: number) =>
      shape(
        gridLayout(
          't',
          Array.from({ length: count }, (_, i) => node(i + 1)),
        ).tree,
      );
    expect(rows(1)).toBe('t');
    expect(rows(2)).toEqual({ row: ['t', 't/2'], sizes: [0.5, 0.5] });
    expect(rows(3)).toEqual({ row: ['t', 't/2', 't/3'], sizes: [1 / 3, 1 / 3, 1 / 3] });
    expect(rows(4)).toEqual({
      column: [
        { row: ['t', 't/2'], sizes: [0.5, 0.5] },
        { row: ['t/3', 't/4'], sizes: [0.5, 0.5] },
      ],
      sizes: [0.5, 0.5],
    });
    const five = gridLayout('t', [1, 2, 3, 4, 5].map(node));
    expect(paneIds(five.tree)).toEqual(['t', 't/2', 't/3', 't/4', 't/5']);
    expect(five.panes['t/5']).toEqual(node(5));
    expect(five.next).toBe(6);
    expect(() => gridLayout('t', [])).toThrow();
  });

  it('moves the focus by direction to the nearest pane, and round the reading order', () => {
    // t | t/2 over t/3
    const layout = apply(
      singlePane('t', node(1)),
      { type: 'split', direction: 'right' },
      { type: 'split', direction: 'down' },
    );
    expect(apply(layout, { type: 'toward', direction: 'up' }).focusedId).toBe('t/2');
    expect(apply(layout, { type: 'toward', direction: 'left' }).focusedId).toBe('t');
    expect(apply(layout, { type: 'toward', direction: 'right' })).toBe(layout);
    expect(
      apply(layout, { type: 'toward', direction: 'left' }, { type: 'toward', direction: 'right' }).focusedId,
    ).toBe('t/2');
    expect(apply(layout, { type: 'step', by: 1 }).focusedId).toBe('t');
    expect(apply(layout, { type: 'step', by: -1 }).focusedId).toBe('t/2');
    expect(apply(layout, { type: 'focus', paneId: 'nope' })).toBe(layout);
  });

  it('drags a boundary, changing only the two panes beside it, never below the minimum', () => {
    const layout = gridLayout('t', [1, 2, 3].map(node));
    const [first, second] = dividers(layout.tree);
    expect(first).toMatchObject({ path: [], index: 0, axis: 'row' });
    expect(first?.line.x).toBeCloseTo(1 / 3);
    expect(second?.line.x).toBeCloseTo(2 / 3);
    const moved = apply(layout, { type: 'resize', path: [], index: 1, at: 0.5 });
    expect(moved.tree.kind === 'split' && moved.tree.sizes.map((s) => s.toFixed(3))).toEqual([
      '0.333',
      '0.167',
      '0.500',
    ]);
    const squeezed = apply(layout, { type: 'resize', path: [], index: 0, at: 0 });
    expect(squeezed.tree.kind === 'split' && squeezed.tree.sizes[0]).toBe(MIN_SHARE);
    const sizes = squeezed.tree.kind === 'split' ? squeezed.tree.sizes : [];
    expect(sizes.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it('broadcasts to every connected pane in the broadcast, and only while it is on', () => {
    const layout = gridLayout('t', [1, 2, 3].map(node));
    const all = () => true;
    expect(inputTargets(layout, 't', all)).toEqual(['t']);
    const on = apply(layout, { type: 'broadcast' });
    expect(inputTargets(on, 't/2', all)).toEqual(['t/2', 't', 't/3']);
    // A pane that is not connected (connecting, held, dropped) gets nothing, not even typeahead.
    expect(inputTargets(on, 't', (id) => id !== 't/3')).toEqual(['t', 't/2']);
    // Taken out by its indicator: it gets nothing, and what is typed in it stays in it.
    const out = apply(on, { type: 'exclude', paneId: 't/3' });
    expect(inputTargets(out, 't', all)).toEqual(['t', 't/2']);
    expect(inputTargets(out, 't/3', all)).toEqual(['t/3']);
    expect(inputTargets(apply(out, { type: 'exclude', paneId: 't/3' }), 't', all)).toEqual([
      't',
      't/2',
      't/3',
    ]);
    expect(inputTargets(apply(on, { type: 'broadcast' }), 't', all)).toEqual(['t']);
  });

  it('has no broadcast with one pane: not turned on, and off when the last but one closes', () => {
    const one = singlePane('t', node(1));
    expect(apply(one, { type: 'broadcast' })).toBe(one);
    const two = apply(gridLayout('t', [1, 2].map(node)), { type: 'broadcast' });
    expect(two.broadcast).toBe(true);
    expect(apply(two, { type: 'close', paneId: 't' }).broadcast).toBe(false);
  });
});
