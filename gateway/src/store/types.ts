/**
 * The platform's records as the store keeps them. Field names follow the Jelastic API where one
 * exists (envName, nodeGroup, intIP, extIPs) so the API layer maps them without renaming.
 */

/** `env.status` codes of the Jelastic API. Only Running environments can be entered. */
export const EnvironmentStatus = {
  Running: 1,
  Down: 2,
  Launching: 3,
  Sleep: 4,
  Unknown: 5,
  Creating: 6,
  Cloning: 7,
  NotExists: 8,
  Exporting: 9,
  Migrating: 10,
  Broken: 11,
  Updating: 12,
  Stopping: 13,
  GoingToSleep: 14,
  Restoring: 15,
} as const;
export type EnvironmentStatus = (typeof EnvironmentStatus)[keyof typeof EnvironmentStatus];

export interface User {
  uid: number;
  login: string;
  name: string;
  email: string;
}

export interface NewUser extends User {
  passwordHash: string;
}

export interface UserWithPassword extends User {
  passwordHash: string;
  /** The RFC 6238 secret (base32) of an account that signs in with a code too; null otherwise. */
  totpSecret: string | null;
}

export interface Session {
  uid: number;
  expiresAt: Date;
  /** A two-factor sign-in whose code has not been verified yet: good for verify2facode only. */
  pendingCode: boolean;
  /** The TOTP time step last accepted for this session, so one code cannot be used twice. */
  codeStep: number | null;
}

/** A personal access token as stored: the token itself is never kept, only its hash. */
export interface AccessTokenRecord {
  id: number;
  uid: number;
  description: string;
  /** The API method names the token allows (its apiList), as given when it was created. */
  methods: string[];
  /** Null: never expires. */
  expiresAt: Date | null;
  createdAt: Date;
}

export interface NewAccessToken {
  tokenHash: string;
  uid: number;
  description: string;
  methods: string[];
  expiresAt: Date | null;
}

export interface SshKeyRecord {
  id: number;
  uid: number;
  title: string;
  /** The key type as OpenSSH names it: ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ssh-dss. */
  algorithm: string;
  bits: number;
  /** The OpenSSH one-line form: `type base64 [comment]`. */
  publicKey: string;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -l` prints it. */
  fingerprintSha256: string;
  /** Colon-separated hex, as the dashboard shows it. */
  fingerprintMd5: string;
  createdAt: Date;
}

export type NewSshKey = Omit<SshKeyRecord, 'id' | 'createdAt'>;

export interface EnvironmentRecord {
  envName: string;
  ownerUid: number;
  shortdomain: string;
  domain: string;
  status: EnvironmentStatus;
  createdAt: Date;
}

export type NewEnvironment = Omit<EnvironmentRecord, 'createdAt'>;

/** How the gateway reaches a node's sshd on the private network. */
export interface NodeAccess {
  host: string;
  port: number;
  /** The account the gateway logs in as; the node's service user. */
  user: string;
  /** The node's host key in OpenSSH one-line form, pinned: any other key is refused. */
  hostKey: string;
}

export interface NodeRecord {
  id: number;
  envName: string;
  nodeGroup: string;
  nodeType: string;
  name: string;
  displayName: string | null;
  intIP: string;
  extIPs: string[];
  isMaster: boolean;
  access: NodeAccess | null;
}
