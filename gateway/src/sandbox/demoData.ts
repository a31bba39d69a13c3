import { EnvironmentStatus, type NewEnvironment, type NodeRecord } from '../store/types.ts';

/** The sandbox's fixed demo data from spec/platform-api.md, so tests and docs can name it. */
export interface DemoUser {
  uid: number;
  login: string;
  password: string;
  name: string;
  email: string;
}

export interface DemoNode extends Omit<NodeRecord, 'access'> {
  /** Sandbox-only: whether the node's sshd allows `ssh -L` (off on the real platform by default). */
  tcpForwarding: boolean;
  /** Sandbox-only: the node is backed by the sandbox's private MariaDB server. */
  database: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    uid: 4856,
    login: 'demo@sandbox.local',
    password: 'demo',
    name: 'Demo User',
    email: 'demo@sandbox.local',
  },
  {
    uid: 35526,
    login: 'other@sandbox.local',
    password: 'other',
    name: 'Other Tenant',
    email: 'other@sandbox.local',
  },
];

export const DEMO_ENVIRONMENTS: readonly NewEnvironment[] = [
  {
    envName: 'shop',
    ownerUid: 4856,
    shortdomain: 'shop',
    domain: 'shop.sandbox.local',
    status: EnvironmentStatus.Running,
  },
  {
    envName: 'staging',
    ownerUid: 4856,
    shortdomain: 'staging',
    domain: 'staging.sandbox.local',
    status: EnvironmentStatus.Down,
  },
  {
    envName: 'blog',
    ownerUid: 35526,
    shortdomain: 'blog',
    domain: 'blog.sandbox.local',
    status: EnvironmentStatus.Running,
  },
];

const apache = (id: number, envName: string, intIP: string, extIPs: string[] = []): DemoNode => ({
  id,
  envName,
  nodeGroup: 'cp',
  nodeType: 'apache2',
  name: 'Apache',
  displayName: 'Apache',
  intIP,
  extIPs,
  isMaster: true,
  tcpForwarding: true,
  database: false,
});

// Addresses are from private and documentation ranges: shown in the UI, never connected to.
export const DEMO_NODES: readonly DemoNode[] = [
  apache(518839, 'shop', '10.101.1.11', ['203.0.113.39']),
  {
    id: 518840,
    envName: 'shop',
    nodeGroup: 'sqldb',
    nodeType: 'mariadb',
    name: 'MariaDB',
    displayName: 'MariaDB',
    intIP: '10.101.1.12',
    extIPs: [],
    isMaster: true,
    tcpForwarding: true,
    database: true,
  },
  apache(518850, 'staging', '10.101.2.11'),
  // The other tenant's node keeps the platform's default: no TCP forwarding.
  { ...apache(518900, 'blog', '10.101.3.11'), tcpForwarding: false },
];

export const DEMO_DATABASE = { node: 518840, name: 'shop', user: 'shop' } as const;
