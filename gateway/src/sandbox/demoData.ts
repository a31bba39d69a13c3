import { EnvironmentStatus, type NewEnvironment, type NodeRecord } from '../store/types.ts';

/** The sandbox's fixed demo data from spec/platform-api.md, so tests and docs can name it. */
export interface DemoUser {
  uid: number;
  login: string;
  password: string;
  name: string;
  email: string;
  /**
   * Signs in with a code too (RFC 6238). Its secret is made once per data folder and kept in the
   * store, so a kept folder's authenticator entry goes on working; the ready line shows it.
   */
  twoFactor?: boolean;
}

export interface DemoNode extends Omit<NodeRecord, 'access'> {
  /** Sandbox-only: whether the node's sshd allows `ssh -L` (off on the real platform by default). */
  tcpForwarding: boolean;
  /** Sandbox-only: the private database server behind the node (MariaDB or PostgreSQL), if any. */
  database?: 'mariadb' | 'postgresql';
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
  {
    uid: 4870,
    login: 'twofa@sandbox.local',
    password: 'twofa',
    name: 'Two-Factor User',
    email: 'twofa@sandbox.local',
    twoFactor: true,
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
    envName: 'analytics',
    ownerUid: 4856,
    shortdomain: 'analytics',
    domain: 'analytics.sandbox.local',
    status: EnvironmentStatus.Running,
  },
  {
    envName: 'blog',
    ownerUid: 35526,
    shortdomain: 'blog',
    domain: 'blog.sandbox.local',
    status: EnvironmentStatus.Running,
  },
  {
    envName: 'vault',
    ownerUid: 4870,
    shortdomain: 'vault',
    domain: 'vault.sandbox.local',
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
    database: 'mariadb',
  },
  apache(518850, 'staging', '10.101.2.11'),
  {
    id: 518860,
    envName: 'analytics',
    nodeGroup: 'sqldb',
    nodeType: 'postgresql',
    name: 'PostgreSQL',
    displayName: 'PostgreSQL',
    intIP: '10.101.5.12',
    extIPs: [],
    isMaster: true,
    tcpForwarding: true,
    database: 'postgresql',
  },
  // The other tenant's node keeps the platform's default: no TCP forwarding.
  { ...apache(518900, 'blog', '10.101.3.11'), tcpForwarding: false },
  // The two-factor account's node, also with the platform's default.
  { ...apache(518870, 'vault', '10.101.4.11'), tcpForwarding: false },
];

/** The demo database nodes' databases; each password is made once per data folder. */
export const DEMO_DATABASES = [
  { node: 518840, engine: 'mysql', name: 'shop', user: 'shop' },
  { node: 518860, engine: 'postgresql', name: 'analytics', user: 'analytics' },
] as const;

/** The MariaDB node's database: the ready line's `database`, as before there was a second one. */
export const DEMO_DATABASE = DEMO_DATABASES[0];

/** The API methods Enscale SSH calls, under both paths the key methods may live at. */
export const APP_METHODS: readonly string[] = [
  'users.Authentication.CheckSign',
  'users.Account.GetUserInfo',
  'environment.Control.GetEnvs',
  'environment.Control.GetEnvInfo',
  'environment.Control.StartEnv',
  'environment.Control.StopEnv',
  'environment.Control.SleepEnv',
  'management.Account.GetSSHKeys',
  'management.Account.AddSSHKey',
  'management.Account.DeleteSSHKey',
  'users.Account.GetSSHKeys',
  'users.Account.AddSSHKey',
  'users.Account.DeleteSSHKey',
];

/**
 * The access tokens issued at every start (the store keeps only hashes, so the ready line can show
 * only tokens made now): one that can do all the app does, one that can only list environments.
 */
export const DEMO_TOKENS: readonly { uid: number; description: string; methods: readonly string[] }[] = [
  { uid: 4856, description: 'sandbox: everything Enscale SSH needs', methods: APP_METHODS },
  { uid: 4856, description: 'sandbox: list environments only', methods: ['environment.Control.GetEnvs'] },
];
