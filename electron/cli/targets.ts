import type { ConnectionTarget } from '../../shared/src/connections.ts';
import type { CoreContract } from '../../shared/src/contract.ts';
import { InvalidInput, NodeNotFound, SignedOut } from '../../shared/src/errors.ts';
import { menuUser, nodeUser } from '../../shared/src/gatewayAddress.ts';
import { hostTarget } from '../../shared/src/hosts.ts';
import type { PlatformNode } from '../../shared/src/platform.ts';
import type { CommandContext } from './command.ts';
import { UsageError } from './usage.ts';

/** A node ID as the dashboard and `envs` show it. */
export function parseNodeId(text: string | undefined): number {
  if (!text || !/^[1-9][0-9]{0,8}$/.test(text))
    throw new UsageError(
      `NODE must be a node ID (digits, as 'enscale-ssh envs' lists them), not '${text ?? ''}'.`,
    );
  return Number(text);
}

/** The gateway connection for a node (`NODEID-UID`) or the menu (`UID`) of the signed-in account. */
export async function gatewayTarget(context: CommandContext, nodeId?: number): Promise<ConnectionTarget> {
  const { profile, account } = await context.api.platform.current();
  if (!profile)
    throw new InvalidInput(
      'Choose a platform first: enscale-ssh platform use enscale (or API_URL --gateway HOST:PORT).',
    );
  if (!account) throw new SignedOut('Sign in first: enscale-ssh login LOGIN.');
  const target: ConnectionTarget = {
    gateway: profile.gateway,
    username: nodeId === undefined ? menuUser(account.uid) : nodeUser(nodeId, account.uid),
  };
  // A fingerprint pinned without its key type is matched against each of the gateway's keys by the core.
  return { ...target, ...(profile.gatewayKey ? { pinned: profile.gatewayKey } : {}) };
}

/**
 * Where `ssh`, `put` and `get` go: a node by its ID through the gateway, or a saved plain host by
 * its name (as the app's Hosts list shows it; case does not matter).
 */
export async function nodeOrHostTarget(
  context: CommandContext,
  text: string | undefined,
): Promise<ConnectionTarget> {
  if (text && !/^[0-9]+$/.test(text)) {
    const { hosts } = await context.api.hosts.list();
    const host = hosts.find((h) => h.name.toLowerCase() === text.toLowerCase());
    if (host) return hostTarget(host);
    const names = hosts.map((h) => `'${h.name}'`).join(', ');
    throw new UsageError(
      `'${text}' is neither a node ID nor a saved host` +
        (names
          ? ` (saved hosts: ${names}).`
          : ' (no hosts are saved: add them in the app or with enscale-ssh import).'),
    );
  }
  return gatewayTarget(context, parseNodeId(text));
}

/** A node of the account's environments, e.g. to learn its type (MariaDB, PostgreSQL …). */
export async function findNode(api: CoreContract, nodeId: number): Promise<PlatformNode> {
  const { environments } = await api.platform.environments();
  const node = environments.flatMap((env) => env.nodes).find((candidate) => candidate.id === nodeId);
  if (!node)
    throw new NodeNotFound(`No node ${nodeId} in your environments; 'enscale-ssh envs' lists them.`, {
      nodeId,
    });
  return node;
}
