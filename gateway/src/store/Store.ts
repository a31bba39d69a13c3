import type {
  AccessTokenRecord,
  EnvironmentRecord,
  EnvironmentStatus,
  NewAccessToken,
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

  /** Sets (or, with null, removes) the account's two-factor secret. */
  setTotpSecret(uid: number, secret: string | null): Promise<void>;
  getTotpSecret(uid: number): Promise<string | null>;

  /** `pendingCode`: a two-factor sign-in that must pass verify2facode before it is good for anything. */
  createSession(
    tokenHash: string,
    uid: number,
    expiresAt: Date,
    options?: { pendingCode?: boolean },
  ): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(tokenHash: string, now: Date): Promise<Session | undefined>;
  /**
   * Records that the code of TOTP time step `step` was accepted for the session and clears its
   * pending flag. False (and nothing changed) when that step or a later one was already used: a
   * replayed code.
   */
  acceptSessionCode(tokenHash: string, step: number): Promise<boolean>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<number>;

  createAccessToken(token: NewAccessToken): Promise<AccessTokenRecord>;
  /** The token with this hash, expired or not: the caller tells "expired" from "unknown". */
  findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  getAccessToken(id: number): Promise<AccessTokenRecord | undefined>;
  listAccessTokens(uid: number): Promise<AccessTokenRecord[]>;
  deleteAccessToken(id: number): Promise<void>;

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
