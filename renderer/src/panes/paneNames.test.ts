import { describe, expect, it } from 'vitest';
import type { Tab } from '../tabs/tabList.ts';
import { changePanes, gridLayout, type TerminalContent } from './paneLayout.ts';
import { notReceiving, paneNames, tabSummaries } from './paneNames.ts';

const target = { gateway: { host: '127.0.0.1', port: 3022 }, username: 'u' };
const node = (nodeId: number): TerminalContent => ({ kind: 'node', nodeId, envName: 'shop', target });

describe('pane names and a tab’s summary', () => {
  it('names panes as tabs are named, numbering those on the same target', () => {
    const layout = gridLayout('t', [
      node(1),
      node(2),
      node(1),
      { kind: 'local' },
      { kind: 'host', target, hostId: 'h', name: 'web1' },
    ]);
    expect(paneNames(layout)).toEqual({
      t: { title: '1 · shop', label: 'Terminal on node 1' },
      't/2': { title: '2 · shop', label: 'Terminal on node 2' },
      't/3': { title: '1 · shop (2)', label: 'Terminal on node 1 (2)' },
      't/4': { title: 'Local shell', label: 'Local shell' },
      't/5': { title: 'web1', label: 'Terminal on web1' },
    });
  });

  it('shows a tab’s worst pane state and any pane’s log on the strip', () => {
    const split: Tab = {
      id: 't',
      title: 'All',
      content: node(1),
      layout: gridLayout('t', [node(1), node(2)]),
    };
    const page: Tab = { id: 's', title: 'Settings', content: { kind: 'settings' } };
    const summary = tabSummaries(
      [split, page],
      { t: { state: 'connected' }, 't/2': { state: 'disconnected', message: 'gone' } },
      { 't/2': { path: '/logs/b.log' } },
    );
    expect(summary.statuses).toEqual({ t: { state: 'disconnected', message: 'gone' } });
    expect(summary.logs).toEqual({ t: { path: '/logs/b.log' } });
  });

  it('says why a pane in a broadcasting tab receives nothing', () => {
    const layout = changePanes(gridLayout('t', [node(1), node(2)]), { type: 'exclude', paneId: 't/2' }, 't');
    if (!layout) throw new Error('closed');
    expect(notReceiving(layout, 't', { state: 'connected' })).toBeUndefined();
    expect(notReceiving(layout, 't/2', { state: 'connected' })).toBe('left out');
    expect(notReceiving(layout, 't', { state: 'exited' })).toBe('exited');
    expect(notReceiving(layout, 't', undefined)).toBe('connecting');
    expect(notReceiving(layout, 't', { state: 'disconnected', errorCode: 'EnvironmentStopped' })).toBe(
      'held',
    );
  });
});
