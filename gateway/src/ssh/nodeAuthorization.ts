import { clean } from '../printable.ts';
import type { Store } from '../store/Store.ts';
import type { EnvironmentRecord, NodeAccess, NodeRecord } from '../store/types.ts';
import { EnvironmentStatus } from '../store/types.ts';

/** A node the user may enter right now, with what it takes to reach it. */
export interface AuthorizedNode {
  node: NodeRecord;
  environment: EnvironmentRecord;
  access: NodeAccess;
}

export type NodeAccessDeniedReason = 'no-such-node' | 'environment-not-running' | 'node-not-provisioned';

/**
 * Why a user cannot enter a node, worded for the person at the terminal. A node that does not
 * exist and a node of another tenant get the same message, so the gateway does not reveal which
 * node ids exist.
 */
export class NodeAccessDenied extends Error {
  constructor(
    message: string,
    readonly reason: NodeAccessDeniedReason,
  ) {
    super(message);
    this.name = 'NodeAccessDenied';
  }
}

const STATUS_WORDS: Record<EnvironmentStatus, string> = {
  [EnvironmentStatus.Running]: 'running',
  [EnvironmentStatus.Down]: 'stopped',
  [EnvironmentStatus.Launching]: 'launching',
  [EnvironmentStatus.Sleep]: 'sleeping',
  [EnvironmentStatus.Unknown]: 'in an unknown state',
  [EnvironmentStatus.Creating]: 'being created',
  [EnvironmentStatus.Cloning]: 'being cloned',
  [EnvironmentStatus.NotExists]: 'deleted',
  [EnvironmentStatus.Exporting]: 'being exported',
  [EnvironmentStatus.Migrating]: 'migrating',
  [EnvironmentStatus.Broken]: 'broken',
  [EnvironmentStatus.Updating]: 'updating',
  [EnvironmentStatus.Stopping]: 'stopping',
  [EnvironmentStatus.GoingToSleep]: 'going to sleep',
  [EnvironmentStatus.Restoring]: 'being restored',
};

/** The status as a word for menus and messages: "running", "stopped", "sleeping", … */
export function statusWord(status: EnvironmentStatus): string {
  return STATUS_WORDS[status] ?? `in status ${String(status)}`;
}

/** What to tell someone whose environment cannot be entered, including what they can do about it. */
export function notRunningMessage(environment: EnvironmentRecord): string {
  const name = clean(environment.envName);
  switch (environment.status) {
    case EnvironmentStatus.Down:
      return `Environment '${name}' is stopped — start it from the dashboard to connect.`;
    case EnvironmentStatus.Sleep:
      return `Environment '${name}' is sleeping — wake it from the dashboard to connect.`;
    default:
      return `Environment '${name}' is ${statusWord(environment.status)}; only running environments can be entered. Try again once it is running.`;
  }
}

/**
 * Checks, at the moment of use, that `uid` may enter `nodeId`: the node exists, its environment
 * belongs to `uid`, and that environment is running. Called for every channel, not only at
 * login, so a stopped environment or a transferred one is refused on the next command.
 */
export async function authorizeNode(store: Store, uid: number, nodeId: number): Promise<AuthorizedNode> {
  const node = await store.getNode(nodeId);
  const environment = node ? await store.getEnvironment(node.envName) : undefined;
  if (!node || !environment || environment.ownerUid !== uid) {
    throw new NodeAccessDenied(
      `Node ${nodeId} does not exist or does not belong to user ${uid}. Check the node id in the dashboard.`,
      'no-such-node',
    );
  }
  if (environment.status !== EnvironmentStatus.Running) {
    throw new NodeAccessDenied(notRunningMessage(environment), 'environment-not-running');
  }
  if (!node.access) {
    throw new NodeAccessDenied(
      `Node ${nodeId} in environment '${clean(environment.envName)}' has no SSH service yet. Try again in a minute.`,
      'node-not-provisioned',
    );
  }
  return { node, environment, access: node.access };
}
