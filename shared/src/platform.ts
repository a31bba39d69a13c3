import type { EnvironmentStatus } from './environment.ts';
import type { PinnedHostKey } from './connections.ts';
import type { GatewayAddress } from './gatewayAddress.ts';

/** Where an account lives: the platform's API and its SSH gateway. */
export interface PlatformProfile {
  kind: 'enscale' | 'sandbox' | 'custom';
  label: string;
  /** The API's base URL, without `/1.0/`. */
  apiUrl: string;
  gateway: GatewayAddress;
  /**
   * The gateway's host key as the platform publishes it. A preset's key is trusted without asking;
   * `md5` is the dashboard's colon form, `sha256` OpenSSH's `SHA256:…` form.
   */
  gatewayKey?: PinnedHostKey;
  /**
   * The user-key types the gateway accepts, as OpenSSH names them (`ssh-rsa`, `ssh-ed25519`,
   * `ecdsa-sha2-nistp256`). Absent: RSA only, as Jelastic's gateway documents ("DSA and Elliptic
   * Curve keys such as ed25519 are not currently supported"). See `gatewayKeyTypes()`.
   */
  keyTypes?: readonly string[];
  /**
   * The embedded sandbox only: its demo databases (node, name, user, password; MariaDB and
   * PostgreSQL), so the import and export dialogs can offer them. A real platform never publishes
   * credentials.
   */
  demoDatabases?: readonly { nodeId: number; database: string; user: string; password: string }[];
}

export const ENSCALE: PlatformProfile = {
  kind: 'enscale',
  label: 'Enscale',
  apiUrl: 'https://app.enscale.cloud',
  gateway: { host: 'sshgateway.io', port: 3022 },
  gatewayKey: { keyType: 'ssh-rsa', md5: '73:e1:e2:8e:65:fe:7b:5e:2f:09:f9:d8:57:5e:a7:59' },
};

/** The key types a platform's gateway accepts: its profile's list, or RSA only. */
export const gatewayKeyTypes = (profile: PlatformProfile | null | undefined): readonly string[] =>
  profile?.keyTypes ?? ['ssh-rsa'];

/** Names the same Enscale gateway had before; clients may know its key under them. */
export const ENSCALE_OLD_GATEWAY_NAMES: readonly string[] = ['ssh.enscale.com', 'gate.j.layershift.co.uk'];

export interface Account {
  uid: number;
  email: string;
  name: string;
}

export interface PlatformNode {
  /** The node ID of the dashboard and of `NODEID-UID`. */
  id: number;
  envName: string;
  nodeGroup: string;
  /** The group's heading, e.g. "Application Servers" for `cp`. */
  nodeGroupName: string;
  nodeType: string;
  name: string;
  displayName: string;
  intIP: string;
  extIPs: string[];
  isMaster: boolean;
  running: boolean;
}

export interface Environment {
  envName: string;
  displayName: string;
  domain: string;
  status: EnvironmentStatus;
  createdOn: string;
  nodes: PlatformNode[];
}

export interface DashboardKey {
  id: number;
  title: string;
  publicKey: string;
  /** MD5, colon form, as the dashboard shows it. */
  fingerprint: string;
}
