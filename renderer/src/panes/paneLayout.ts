import type { TabContent } from '../tabs/tabList.ts';

/** What a pane holds: a terminal (a node's shell, the gateway menu, a local shell, a saved host's shell). */
export type TerminalContent = Extract<TabContent, { kind: 'node' | 'menu' | 'local' | 'host' }>;

export const isTerminalContent = (content: TabContent): content is TerminalContent =>
  content.kind === 'node' || content.kind === 'menu' || content.kind === 'local' || content.kind === 'host';

/**
 * The panes of a tab as a tree of splits. `row` lays its children side by side (a split to the
 * right), `column` one above the other (a split down); `sizes` are their shares, summing to 1.
 */
export type PaneTree =
  | { kind: 'pane'; id: string }
  | { kind: 'split'; axis: 'row' | 'column'; sizes: number[]; children: PaneTree[] };

export interface PaneLayout {
  tree: PaneTree;
  panes: Readonly<Record<string, TerminalContent>>;
  focusedId: string;
  /** What is typed in a pane goes to every pane of the tab that receives it. */
  broadcast: boolean;
  /** Panes the user took out of the broadcast (by their indicator); kept while broadcast is off. */
  excluded: readonly string[];
  /** The number of the next pane, for ids unique within the tab. */
  next: number;
}

export type SplitDirection = 'right' | 'down';
export type FocusDirection = 'left' | 'right' | 'up' | 'down';

/** A pane's place in the tab, in shares of its width and height (0–1). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The boundary between children `index` and `index + 1` of the split at `path`, to drag. */
export interface Divider {
  path: number[];
  index: number;
  axis: 'row' | 'column';
  /** Where the boundary is (a line: zero width for a row split, zero height for a column one). */
  line: Rect;
  /** The split's own rectangle, which a drag's position is measured against. */
  within: Rect;
}

/** No pane is made smaller than this share of its split by a drag (about 3 lines in 800 px). */
export const MIN_SHARE = 0.08;

/** A pane id for the tab: the first pane has the tab's own id, so a tab's status and log keep theirs. */
const paneId = (tabId: string, n: number) => (n === 1 ? tabId : `${tabId}/${n}`);

export function singlePane(tabId: string, content: TerminalContent): PaneLayout {
  return gridLayout(tabId, [content]);
}

/**
 * One pane per content, in rows of near-equal count (2 → side by side, 3 → three columns,
 * 4 → 2 × 2, 5 and 6 → 2 rows of 3), reading order left to right, then down.
 */
export function gridLayout(tabId: string, contents: readonly TerminalContent[]): PaneLayout {
  const [first] = contents;
  if (!first) throw new Error('A tab needs at least one pane.');
  const panes = contents.map((content, index) => ({ id: paneId(tabId, index + 1), content }));
  const columns = Math.ceil(Math.sqrt(panes.length)) + (panes.length === 3 ? 1 : 0);
  const rows: PaneTree[] = [];
  for (let start = 0; start < panes.length; start += columns) {
    const row = panes.slice(start, start + columns).map(({ id }): PaneTree => ({ kind: 'pane', id }));
    rows.push(side(row, 'row'));
  }
  return {
    tree: side(rows, 'column'),
    panes: Object.fromEntries(panes.map(({ id, content }) => [id, content])),
    focusedId: tabId,
    broadcast: false,
    excluded: [],
    next: panes.length + 1,
  };
}

/** Trees side by side in equal shares, or the one tree alone. */
function side(trees: PaneTree[], axis: 'row' | 'column'): PaneTree {
  const [only] = trees;
  if (only && trees.length === 1) return only;
  return { kind: 'split', axis, sizes: equal(trees.length), children: trees };
}

const equal = (count: number) => Array.from({ length: count }, () => 1 / count);

/** The panes' ids in reading order (depth first: left to right, top to bottom). */
export function paneIds(tree: PaneTree): string[] {
  return tree.kind === 'pane' ? [tree.id] : tree.children.flatMap(paneIds);
}

/** A new pane beside `id` (right or below) on the same target, and focused, as terminals do. */
export function splitPane(
  layout: PaneLayout,
  id: string,
  direction: SplitDirection,
  tabId: string,
): PaneLayout {
  const content = layout.panes[id];
  if (!content) return layout;
  const added = paneId(tabId, layout.next);
  const axis = direction === 'right' ? 'row' : 'column';
  const split = (tree: PaneTree): PaneTree => {
    if (tree.kind === 'pane')
      return tree.id === id
        ? { kind: 'split', axis, sizes: [0.5, 0.5], children: [tree, { kind: 'pane', id: added }] }
        : tree;
    const at = tree.children.findIndex((child) => child.kind === 'pane' && child.id === id);
    if (at >= 0 && tree.axis === axis) {
      // Beside its siblings in the same direction: the pane gives the new one half its share.
      const half = (tree.sizes[at] ?? 0) / 2;
      const sizes = [...tree.sizes];
      sizes.splice(at, 1, half, half);
      const children = [...tree.children];
      children.splice(at + 1, 0, { kind: 'pane', id: added });
      return { ...tree, sizes, children };
    }
    return { ...tree, children: tree.children.map(split) };
  };
  return {
    ...layout,
    tree: split(layout.tree),
    panes: { ...layout.panes, [added]: content },
    focusedId: added,
    next: layout.next + 1,
  };
}

/** Removes a pane; its share goes to its siblings. Null when it was the tab's last pane. */
export function closePane(layout: PaneLayout, id: string): PaneLayout | null {
  if (!layout.panes[id]) return layout;
  const order = paneIds(layout.tree);
  if (order.length === 1) return null;
  const remove = (tree: PaneTree): PaneTree | null => {
    if (tree.kind === 'pane') return tree.id === id ? null : tree;
    const kept = tree.children.map((child, index) => ({
      child: remove(child),
      size: tree.sizes[index] ?? 0,
    }));
    const left = kept.filter((entry): entry is { child: PaneTree; size: number } => entry.child !== null);
    const [only] = left;
    if (!only) return null;
    if (left.length === 1) return only.child;
    const total = left.reduce((sum, entry) => sum + entry.size, 0);
    return { ...tree, children: left.map((e) => e.child), sizes: left.map((e) => e.size / total) };
  };
  const at = order.indexOf(id);
  const tree = remove(layout.tree);
  // As tabs do: the pane before it takes the focus, or the next one for the first.
  const neighbour = order[at - 1] ?? order[at + 1];
  if (!tree || !neighbour) return null;
  return {
    ...layout,
    tree,
    panes: Object.fromEntries(Object.entries(layout.panes).filter(([other]) => other !== id)),
    focusedId: layout.focusedId === id ? neighbour : layout.focusedId,
    // A last pane has no one to broadcast to; the tab's marker goes with it.
    broadcast: layout.broadcast && order.length > 2,
    excluded: layout.excluded.filter((other) => other !== id),
  };
}

export function focusPane(layout: PaneLayout, id: string): PaneLayout {
  return layout.panes[id] && layout.focusedId !== id ? { ...layout, focusedId: id } : layout;
}

/** The next or previous pane in reading order, round the end. */
export function focusStep(layout: PaneLayout, by: 1 | -1): PaneLayout {
  const order = paneIds(layout.tree);
  const at = order.indexOf(layout.focusedId);
  const next = order[(at + by + order.length) % order.length];
  return next ? focusPane(layout, next) : layout;
}

/**
 * The nearest pane in a direction from the focused one (as Tabby's and iTerm's "select pane"):
 * among the panes wholly on that side, the one whose facing edge is closest, then the one that
 * overlaps the focused pane most across the way.
 */
export function focusToward(layout: PaneLayout, direction: FocusDirection): PaneLayout {
  const rects = paneRects(layout.tree);
  const from = rects.get(layout.focusedId);
  if (!from) return layout;
  const eps = 1e-6;
  const horizontal = direction === 'left' || direction === 'right';
  let best: { id: string; gap: number; overlap: number } | undefined;
  for (const [id, rect] of rects) {
    if (id === layout.focusedId) continue;
    const gap = {
      left: from.x - (rect.x + rect.w),
      right: rect.x - (from.x + from.w),
      up: from.y - (rect.y + rect.h),
      down: rect.y - (from.y + from.h),
    }[direction];
    if (gap < -eps) continue;
    const overlap = horizontal
      ? Math.min(from.y + from.h, rect.y + rect.h) - Math.max(from.y, rect.y)
      : Math.min(from.x + from.w, rect.x + rect.w) - Math.max(from.x, rect.x);
    if (overlap <= eps) continue;
    if (!best || gap < best.gap - eps || (Math.abs(gap - best.gap) <= eps && overlap > best.overlap))
      best = { id, gap, overlap };
  }
  return best ? focusPane(layout, best.id) : layout;
}

/** The subtree at `path` (child indexes from the root). */
export function splitAt(tree: PaneTree, path: readonly number[]): PaneTree | undefined {
  let node: PaneTree | undefined = tree;
  for (const step of path) node = node?.kind === 'split' ? node.children[step] : undefined;
  return node;
}

/** Each pane's rectangle, in shares of the tab's area. */
export function paneRects(tree: PaneTree, within: Rect = { x: 0, y: 0, w: 1, h: 1 }): Map<string, Rect> {
  const rects = new Map<string, Rect>();
  walk(tree, within, [], (node, rect) => {
    if (node.kind === 'pane') rects.set(node.id, rect);
  });
  return rects;
}

/** Every boundary between neighbouring children of a split, to drag. */
export function dividers(tree: PaneTree): Divider[] {
  const found: Divider[] = [];
  walk(tree, { x: 0, y: 0, w: 1, h: 1 }, [], (node, rect, path) => {
    if (node.kind !== 'split') return;
    let offset = 0;
    node.sizes.slice(0, -1).forEach((size, index) => {
      offset += size;
      const line =
        node.axis === 'row'
          ? { x: rect.x + offset * rect.w, y: rect.y, w: 0, h: rect.h }
          : { x: rect.x, y: rect.y + offset * rect.h, w: rect.w, h: 0 };
      found.push({ path, index, axis: node.axis, line, within: rect });
    });
  });
  return found;
}

function walk(
  tree: PaneTree,
  rect: Rect,
  path: number[],
  visit: (node: PaneTree, rect: Rect, path: number[]) => void,
): void {
  visit(tree, rect, path);
  if (tree.kind === 'pane') return;
  let offset = 0;
  tree.children.forEach((child, index) => {
    const size = tree.sizes[index] ?? 0;
    const part =
      tree.axis === 'row'
        ? { x: rect.x + offset * rect.w, y: rect.y, w: size * rect.w, h: rect.h }
        : { x: rect.x, y: rect.y + offset * rect.h, w: rect.w, h: size * rect.h };
    offset += size;
    walk(child, part, [...path, index], visit);
  });
}

/**
 * Moves the boundary after child `index` of the split at `path` to `at` (a share of the split's
 * extent, 0–1). Only the two children beside it change; each keeps at least `MIN_SHARE`.
 */
export function resizeSplit(
  layout: PaneLayout,
  path: readonly number[],
  index: number,
  at: number,
): PaneLayout {
  const resize = (tree: PaneTree, depth: number): PaneTree => {
    if (tree.kind === 'pane') return tree;
    if (depth < path.length) {
      const step = path[depth];
      return {
        ...tree,
        children: tree.children.map((child, i) => (i === step ? resize(child, depth + 1) : child)),
      };
    }
    const before = tree.sizes.slice(0, index).reduce((sum, size) => sum + size, 0);
    const pair = (tree.sizes[index] ?? 0) + (tree.sizes[index + 1] ?? 0);
    if (pair === 0 || pair < 2 * MIN_SHARE) return tree;
    const first = Math.min(Math.max(at - before, MIN_SHARE), pair - MIN_SHARE);
    const sizes = [...tree.sizes];
    sizes[index] = first;
    sizes[index + 1] = pair - first;
    return { ...tree, sizes };
  };
  return { ...layout, tree: resize(layout.tree, 0) };
}

export function toggleBroadcast(layout: PaneLayout): PaneLayout {
  return { ...layout, broadcast: !layout.broadcast };
}

/** Takes a pane out of the broadcast, or puts it back. */
export function toggleExcluded(layout: PaneLayout, id: string): PaneLayout {
  if (!layout.panes[id]) return layout;
  const excluded = layout.excluded.includes(id)
    ? layout.excluded.filter((other) => other !== id)
    : [...layout.excluded, id];
  return { ...layout, excluded };
}

/** Whether a pane is in the broadcast (on, and not taken out), whatever its session's state. */
export const inBroadcast = (layout: PaneLayout, id: string): boolean =>
  layout.broadcast && Boolean(layout.panes[id]) && !layout.excluded.includes(id);

/**
 * Where input typed in pane `from` goes: always to `from` itself; while broadcasting from a pane that
 * is in the broadcast, also to every other pane in it whose session is connected. A pane connecting,
 * held or disconnected gets nothing: keys kept for a session that is not there would run later,
 * out of step with the others (a node coming back would replay the commands typed while it was away).
 */
export function inputTargets(layout: PaneLayout, from: string, connected: (id: string) => boolean): string[] {
  if (!inBroadcast(layout, from)) return [from];
  return [
    from,
    ...paneIds(layout.tree).filter((id) => id !== from && inBroadcast(layout, id) && connected(id)),
  ];
}

/** What can happen to a tab's panes (the tab reducer applies it to the tab's layout). */
export type PaneChange =
  | { type: 'split'; direction: SplitDirection; paneId?: string }
  | { type: 'close'; paneId?: string }
  | { type: 'focus'; paneId: string }
  | { type: 'step'; by: 1 | -1 }
  | { type: 'toward'; direction: FocusDirection }
  | { type: 'resize'; path: readonly number[]; index: number; at: number }
  | { type: 'broadcast' }
  | { type: 'exclude'; paneId: string };

/** Applies a change; null when the tab's last pane closed (the tab closes with it). */
export function changePanes(layout: PaneLayout, change: PaneChange, tabId: string): PaneLayout | null {
  switch (change.type) {
    case 'split':
      return splitPane(layout, change.paneId ?? layout.focusedId, change.direction, tabId);
    case 'close':
      return closePane(layout, change.paneId ?? layout.focusedId);
    case 'focus':
      return focusPane(layout, change.paneId);
    case 'step':
      return focusStep(layout, change.by);
    case 'toward':
      return focusToward(layout, change.direction);
    case 'resize':
      return resizeSplit(layout, change.path, change.index, change.at);
    case 'broadcast':
      // Broadcasting to one pane is typing; it waits for a second pane.
      return paneIds(layout.tree).length > 1 ? toggleBroadcast(layout) : layout;
    case 'exclude':
      return toggleExcluded(layout, change.paneId);
  }
}
