import type { TerminalLogState } from '../../../shared/src/terminals.ts';
import { tabLayout, type Tab } from '../tabs/tabList.ts';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import { paneIds, type PaneLayout, type TerminalContent } from './paneLayout.ts';

/** A pane's short name (as a tab's): `518839 · shop`, `Gateway menu`, `Local shell`. */
export function paneTitle(content: TerminalContent): string {
  if (content.kind === 'node') return `${content.nodeId} · ${content.envName}`;
  if (content.kind === 'host') return content.name;
  return content.kind === 'menu' ? 'Gateway menu' : 'Local shell';
}

/** The terminal's region name, as a tab of its own has it: `Terminal on node 518839`. */
export function terminalLabel(content: TerminalContent): string {
  if (content.kind === 'node') return `Terminal on node ${content.nodeId}`;
  if (content.kind === 'host') return `Terminal on ${content.name}`;
  return content.kind === 'menu' ? 'Gateway menu terminal' : 'Local shell';
}

/**
 * Each pane's title and terminal name. Panes on the same target (a split of one node) are told apart
 * by their number among them, `518839 · shop (2)`, so a screen reader and a test can name each.
 */
export function paneNames(layout: PaneLayout): Record<string, { title: string; label: string }> {
  const seen = new Map<string, number>();
  const names: Record<string, { title: string; label: string }> = {};
  for (const id of paneIds(layout.tree)) {
    const content = layout.panes[id];
    if (!content) continue;
    const title = paneTitle(content);
    const count = (seen.get(title) ?? 0) + 1;
    seen.set(title, count);
    const suffix = count > 1 ? ` (${count})` : '';
    names[id] = { title: title + suffix, label: terminalLabel(content) + suffix };
  }
  return names;
}

// The worst state shows on the tab: one dropped pane of four is what the user must see.
const RANK: Record<TerminalStatus['state'], number> = {
  connected: 0,
  exited: 1,
  connecting: 2,
  disconnected: 3,
};

/** A tab's state for its strip: its panes' worst, and a log any of them writes. */
export function tabSummary(
  layout: PaneLayout,
  statuses: Readonly<Record<string, TerminalStatus>>,
  logs: Readonly<Record<string, TerminalLogState>>,
): { status?: TerminalStatus; log?: TerminalLogState } {
  let status: TerminalStatus | undefined;
  let log: TerminalLogState | undefined;
  for (const id of paneIds(layout.tree)) {
    const own = statuses[id];
    if (own && (!status || RANK[own.state] > RANK[status.state])) status = own;
    if (!log?.path && logs[id]) log = logs[id];
  }
  return { ...(status ? { status } : {}), ...(log ? { log } : {}) };
}

/** Why a pane in a broadcasting tab gets nothing typed, or undefined when it receives. */
export function notReceiving(
  layout: PaneLayout,
  id: string,
  status: TerminalStatus | undefined,
): string | undefined {
  if (layout.excluded.includes(id)) return 'left out';
  if (status?.state === 'connected') return undefined;
  if (status?.errorCode === 'EnvironmentStopped') return 'held';
  return status?.state ?? 'connecting';
}

/** Each tab's state and log for the tab strip, from its panes' (keyed by pane id, as the terminals report). */
export function tabSummaries(
  tabs: readonly Tab[],
  statuses: Readonly<Record<string, TerminalStatus>>,
  logs: Readonly<Record<string, TerminalLogState>>,
): { statuses: Record<string, TerminalStatus>; logs: Record<string, TerminalLogState> } {
  const byTab = {
    statuses: {} as Record<string, TerminalStatus>,
    logs: {} as Record<string, TerminalLogState>,
  };
  for (const tab of tabs) {
    const layout = tabLayout(tab);
    const summary = layout ? tabSummary(layout, statuses, logs) : {};
    if (summary.status) byTab.statuses[tab.id] = summary.status;
    if (summary.log) byTab.logs[tab.id] = summary.log;
  }
  return byTab;
}
