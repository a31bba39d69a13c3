import type {
  EnvironmentRecord,
  EnvironmentStatus,
  NewEnvironment,
  NewSshKey,
  NewUser,
  NodeAccess,
  NodeRecord,
  Session,
  SshKeyRecord,
  User,
  UserWithPassword,
} from './types.ts';

/** Raised by {@link Store.addKey} when the user already has a key with the same public blob. */
export class DuplicateKeyError extends Error {
  constructor(readonly existingId: number) {
    super('This SSH key is already added to your account');
    this.name = 'DuplicateKeyError';
  }
}

/**
 * Everything the platform API and the SSH gateway keep. Every method is asynchronous so that a
 * shared PostgreSQL store can back several gateway instances later; the SQLite implementation
 * simply resolves at once. Session tokens are stored only as hashes: the caller hashes them.
 */
export interface Store {
  createUser(user: NewUser): Promise<User>;
  getUser(uid: number): Promise<User | undefined>;
  findUserByLogin(login: string): Promise<UserWithPassword | undefined>;

  createSession(tokenHash: string, uid: number, expiresAt: Date): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(tokenHash: string, now: Date): Promise<Session | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<number>;

  /** @throws DuplicateKeyError when `uid` already has a key with this fingerprint. */
  addKey(key: NewSshKey): Promise<SshKeyRecord>;
  getKey(id: number): Promise<SshKeyRecord | undefined>;
  listKeys(uid: number): Promise<SshKeyRecord[]>;
  /** Every user's keys with this SHA256 fingerprint: how the gateway finds who offers a key. */
  findKeysByFingerprint(fingerprintSha256: string): Promise<SshKeyRecord[]>;
  deleteKey(id: number): Promise<void>;

  createEnvironment(env: NewEnvironment): Promise<EnvironmentRecord>;
  getEnvironment(envName: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(ownerUid: number): Promise<EnvironmentRecord[]>;
  setEnvironmentStatus(envName: string, status: EnvironmentStatus): Promise<void>;

  createNode(node: NodeRecord): Promise<NodeRecord>;
  getNode(id: number): Promise<NodeRecord | undefined>;
  listNodes(envName: string): Promise<NodeRecord[]>;
  setNodeAccess(id: number, access: NodeAccess | null): Promise<void>;

  close(): Promise<void>;
}
