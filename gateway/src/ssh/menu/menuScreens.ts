import type { EnvironmentRecord, NodeRecord } from '../../store/types.ts';
import { clean } from '../../printable.ts';
import { statusWord } from '../nodeAuthorization.ts';

export { clean };

/**
 * The interactive menu's screens as text, in the layout of the real gateway (see
 * spec/ssh-gateway.md): numbered choices, `0.` and `1.` fixed, columns padded with spaces.
 * Pure functions: they get records and return lines, so the layout is tested without a socket.
 */
export interface MenuScreen {
  lines: string[];
  /** The highest valid choice; choices run from 0 to this. */
  maxChoice: number;
}

/** Width of the name column; node id, LAN IP and WAN IP follow it as in the screenshot. */
const NAME_WIDTH = 50;
const NODE_ID_WIDTH = 7;
const LAN_IP_WIDTH = 16;
const ENV_NAME_WIDTH = 30;
const DOMAIN_WIDTH = 40;

/** First choice that is an environment or a node: 0 and 1 are exit/up and refresh. */
export const FIRST_ITEM = 2;

const GROUP_TITLES: Record<string, string> = {
  bl: 'Load Balancers',
  cp: 'Application Servers',
  cache: 'Cache',
  sqldb: 'Databases',
  nosqldb: 'NoSQL Databases',
  storage: 'Storage',
  build: 'Build Node',
  vds: 'Elastic VPS',
  extra: 'Extra',
};
/** The dashboard's top-to-bottom order of node groups; others follow alphabetically. */
const GROUP_ORDER = ['bl', 'cp', 'cache', 'sqldb', 'nosqldb', 'storage', 'build', 'vds', 'extra'];

export function environmentsScreen(environments: readonly EnvironmentRecord[]): MenuScreen {
  const lines = [
    'Please select the required environment',
    `     ${fit('Environment', ENV_NAME_WIDTH)}${fit('Domain', DOMAIN_WIDTH)}Status`,
    `${choice(0)}Exit`,
    `${choice(1)}Refresh`,
    '',
  ];
  if (environments.length === 0) {
    lines.push('     You have no environments yet. Create one in the dashboard, then choose 1 to refresh.');
  }
  environments.forEach((environment, index) => {
    lines.push(
      `${choice(FIRST_ITEM + index)}${fit(environment.envName, ENV_NAME_WIDTH)}${fit(environment.domain, DOMAIN_WIDTH)}${statusWord(environment.status)}`,
    );
  });
  return {
    lines,
    maxChoice: FIRST_ITEM + environments.length - 1 < 1 ? 1 : FIRST_ITEM + environments.length - 1,
  };
}

/** Nodes in the order the screen numbers them: by group, master first, then by id. */
export function orderNodes(nodes: readonly NodeRecord[]): NodeRecord[] {
  return [...nodes].sort(
    (a, b) =>
      groupRank(a.nodeGroup) - groupRank(b.nodeGroup) ||
      a.nodeGroup.localeCompare(b.nodeGroup) ||
      Number(b.isMaster) - Number(a.isMaster) ||
      a.id - b.id,
  );
}

/** `nodes` must already be in {@link orderNodes} order: choice N is nodes[N - 2]. */
export function nodesScreen(environment: EnvironmentRecord, nodes: readonly NodeRecord[]): MenuScreen {
  const lines = [
    `Please select the required container in '${clean(environment.envName)}'`,
    `     ${fit(`/${environment.domain}`, NAME_WIDTH)}${fit('nodeid', NODE_ID_WIDTH)}${fit('LAN IP', LAN_IP_WIDTH)}WAN IP`,
    `${choice(0)}[..]`,
    `${choice(1)}Refresh`,
  ];
  if (nodes.length === 0) lines.push('', '     This environment has no nodes.');
  let group: string | undefined;
  nodes.forEach((node, index) => {
    if (node.nodeGroup !== group) {
      group = node.nodeGroup;
      lines.push('', `     ${clean(groupTitle(group))} (${clean(group)})`);
    }
    const label = `${node.isMaster ? '[M]' : '   '} ${node.displayName ?? node.name}`;
    lines.push(
      `${choice(FIRST_ITEM + index)}${fit(label, NAME_WIDTH)}${fit(String(node.id), NODE_ID_WIDTH)}${fit(node.intIP, LAN_IP_WIDTH)}${clean(node.extIPs[0] ?? '-')}`,
    );
  });
  return { lines, maxChoice: Math.max(1, FIRST_ITEM + nodes.length - 1) };
}

export function promptLine(maxChoice: number): string {
  return `Enter [0-${maxChoice}]: `;
}

function groupTitle(group: string): string {
  return GROUP_TITLES[group] ?? group.charAt(0).toUpperCase() + group.slice(1);
}

function groupRank(group: string): number {
  const at = GROUP_ORDER.indexOf(group);
  return at === -1 ? GROUP_ORDER.length : at;
}

function choice(n: number): string {
  return `${String(n).padStart(3)}. `;
}

/** Pads to `width`, cutting with an ellipsis when too long, keeping one space before the next column. */
function fit(text: string, width: number): string {
  const safe = clean(text);
  const shown = safe.length >= width ? `${safe.slice(0, width - 2)}…` : safe;
  return shown.padEnd(width);
}
