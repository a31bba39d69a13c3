import type {
  AccessTokenRecord,
  EnvironmentRecord,
  EnvironmentStatus,
  NodeAccess,
  NodeRecord,
  Session,
  SshKeyRecord,
  User,
} from './types.ts';

/** SQLite rows as better-sqlite3 returns them, and their mapping to the store's records. */
export interface UserRow {
  uid: number;
  login: string;
  name: string;
  email: string;
  password_hash: string;
  totp_secret: string | null;
}
export interface KeyRow {
  id: number;
  uid: number;
  title: string;
  algorithm: string;
  bits: number;
  public_key: string;
  fingerprint_sha256: string;
  fingerprint_md5: string;
  created_at: number;
}
export interface EnvRow {
  env_name: string;
  owner_uid: number;
  shortdomain: string;
  domain: string;
  status: number;
  created_at: number;
}
export interface NodeRow {
  id: number;
  env_name: string;
  node_group: string;
  node_type: string;
  name: string;
  display_name: string | null;
  int_ip: string;
  ext_ips: string;
  is_master: number;
  ssh_host: string | null;
  ssh_port: number | null;
  ssh_user: string | null;
  host_key: string | null;
}

export const toUser = (row: UserRow): User => ({
  uid: row.uid,
  login: row.login,
  name: row.name,
  email: row.email,
});

export const toKey = (row: KeyRow): SshKeyRecord => ({
  id: row.id,
  uid: row.uid,
  title: row.title,
  algorithm: row.algorithm,
  bits: row.bits,
  publicKey: row.public_key,
  fingerprintSha256: row.fingerprint_sha256,
  fingerprintMd5: row.fingerprint_md5,
  createdAt: new Date(row.created_at),
});

export const toEnv = (row: EnvRow): EnvironmentRecord => ({
  envName: row.env_name,
  ownerUid: row.owner_uid,
  shortdomain: row.shortdomain,
  domain: row.domain,
  status: row.status as EnvironmentStatus,
  createdAt: new Date(row.created_at),
});

export function toNode(row: NodeRow): NodeRecord {
  const access: NodeAccess | null =
    row.ssh_host !== null && row.ssh_port !== null && row.ssh_user !== null && row.host_key !== null
      ? { host: row.ssh_host, port: row.ssh_port, user: row.ssh_user, hostKey: row.host_key }
      : null;
  return {
    id: row.id,
    envName: row.env_name,
    nodeGroup: row.node_group,
    nodeType: row.node_type,
    name: row.name,
    displayName: row.display_name,
    intIP: row.int_ip,
    extIPs: JSON.parse(row.ext_ips) as string[],
    isMaster: row.is_master === 1,
    access,
  };
}

export interface SessionRow {
  uid: number;
  expires_at: number;
  pending_code: number;
  code_step: number | null;
}
export interface AccessTokenRow {
  id: number;
  uid: number;
  description: string;
  methods: string;
  expires_at: number | null;
  created_at: number;
}

export const toSession = (row: SessionRow): Session => ({
  uid: row.uid,
  expiresAt: new Date(row.expires_at),
  pendingCode: row.pending_code === 1,
  codeStep: row.code_step,
});

export const toAccessToken = (row: AccessTokenRow): AccessTokenRecord => ({
  id: row.id,
  uid: row.uid,
  description: row.description,
  methods: JSON.parse(row.methods) as string[],
  expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
  createdAt: new Date(row.created_at),
});
