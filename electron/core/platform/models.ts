import { nodeGroupName } from '../../../shared/src/nodeGroups.ts';
import type { EnvironmentStatus } from '../../../shared/src/environment.ts';
import type { DashboardKey, Environment, PlatformNode } from '../../../shared/src/platform.ts';

// The API's answers, read defensively: fields the spec marks inferred may be missing or differently typed.
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== ''
      ? Number(value)
      : fallback;

export function toNode(raw: Record<string, unknown>, envName: string, envRunning: boolean): PlatformNode {
  const nodeGroup = str(raw['nodeGroup']);
  const extIPs = Array.isArray(raw['extIPs'])
    ? raw['extIPs'].filter((ip): ip is string => typeof ip === 'string')
    : [];
  return {
    id: num(raw['id']),
    envName,
    nodeGroup,
    nodeGroupName: nodeGroupName(nodeGroup),
    nodeType: str(raw['nodeType']),
    name: str(raw['name'], str(raw['nodeType'])),
    displayName: str(raw['displayName'], str(raw['name'], str(raw['nodeType']))),
    intIP: str(raw['intIP'], str(raw['address'])),
    extIPs,
    isMaster: raw['ismaster'] === true || raw['ismaster'] === 'true',
    running: envRunning && (raw['status'] === undefined || num(raw['status']) === 1),
  };
}

export function toEnvironment(info: Record<string, unknown>): Environment {
  const env = (info['env'] ?? {}) as Record<string, unknown>;
  const envName = str(env['envName']);
  // A missing status is no status: 0 reads as "Unknown (0)", never as a real one such as Suspended.
  const status = num(env['status'], 0) as EnvironmentStatus;
  const nodes = Array.isArray(info['nodes']) ? (info['nodes'] as Record<string, unknown>[]) : [];
  return {
    envName,
    displayName: str(env['displayName'], envName),
    domain: str(env['domain']),
    status,
    createdOn: str(env['createdOn']),
    nodes: nodes.map((node) => toNode(node, envName, status === 1)).sort((a, b) => a.id - b.id),
  };
}

export function toDashboardKey(raw: Record<string, unknown>): DashboardKey {
  return {
    id: num(raw['id']),
    title: str(raw['title']),
    publicKey: str(raw['publicKey']),
    fingerprint: str(raw['fingerPrint']),
  };
}
