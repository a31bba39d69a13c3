import type { Store } from '../store/Store.ts';
import { hashPassword } from '../store/password.ts';
import type { EnvironmentRecord, EnvironmentStatus, NodeRecord, User } from '../store/types.ts';

/**
 * Extra users and environments beside the fixed demo data, for tests that need more than the two
 * demo tenants (e.g. an authorization matrix needs a stopped environment of each user). They live
 * in the same store as the demo data; see docs/sandbox.md, "Extra tenants".
 */
export interface ExtraUser {
  uid: number;
  login: string;
  password: string;
  name?: string;
  email?: string;
}

export interface ExtraNode {
  id: number;
  /** Defaults to `apache2` in group `cp`. */
  nodeType?: string;
  nodeGroup?: string;
  name?: string;
  intIP?: string;
}

export interface ExtraEnvironment {
  envName: string;
  ownerUid: number;
  /** Running environments get their nodes started at once; any other status leaves them stopped. */
  status: EnvironmentStatus;
  nodes: readonly ExtraNode[];
}

export async function createExtraUser(store: Store, user: ExtraUser): Promise<User> {
  return store.createUser({
    uid: user.uid,
    login: user.login,
    name: user.name ?? user.login,
    email: user.email ?? user.login,
    passwordHash: await hashPassword(user.password),
  });
}

/** Writes the environment and its nodes to the store; the caller starts the nodes of a running one. */
export async function createExtraEnvironment(
  store: Store,
  env: ExtraEnvironment,
): Promise<{ environment: EnvironmentRecord; nodes: NodeRecord[] }> {
  if (!(await store.getUser(env.ownerUid))) {
    throw new Error(`Cannot create environment '${env.envName}': there is no user ${env.ownerUid}.`);
  }
  const environment = await store.createEnvironment({
    envName: env.envName,
    ownerUid: env.ownerUid,
    shortdomain: env.envName,
    domain: `${env.envName}.sandbox.local`,
    status: env.status,
  });
  const nodes: NodeRecord[] = [];
  for (const [index, node] of env.nodes.entries()) {
    nodes.push(
      await store.createNode({
        id: node.id,
        envName: env.envName,
        nodeGroup: node.nodeGroup ?? 'cp',
        nodeType: node.nodeType ?? 'apache2',
        name: node.name ?? 'Apache',
        displayName: node.name ?? 'Apache',
        // Documentation-range addresses, shown in menus only.
        intIP: node.intIP ?? `10.102.0.${(index % 250) + 1}`,
        extIPs: [],
        isMaster: index === 0,
        access: null,
      }),
    );
  }
  return { environment, nodes };
}
