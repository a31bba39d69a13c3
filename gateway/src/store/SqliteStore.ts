import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';
import { DuplicateKeyError, type Store } from './Store.ts';
import {
  toAccessToken,
  toEnv,
  toKey,
  toNode,
  toSession,
  toUser,
  type AccessTokenRow,
  type EnvRow,
  type KeyRow,
  type NodeRow,
  type SessionRow,
  type UserRow,
} from './sqliteRows.ts';
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

/** The default store: one SQLite file (or `:memory:`), schema kept current by {@link migrate}. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  async createUser(user: NewUser): Promise<User> {
    this.db
      .prepare('INSERT INTO users (uid, login, name, email, password_hash) VALUES (?, ?, ?, ?, ?)')
      .run(user.uid, user.login, user.name, user.email, user.passwordHash);
    return { uid: user.uid, login: user.login, name: user.name, email: user.email };
  }

  async getUser(uid: number): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE uid = ?').get(uid) as UserRow | undefined;
    return row && toUser(row);
  }

  async findUserByLogin(login: string): Promise<UserWithPassword | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE login = ?').get(login) as UserRow | undefined;
    return row && { ...toUser(row), passwordHash: row.password_hash, totpSecret: row.totp_secret };
  }

  async setTotpSecret(uid: number, secret: string | null): Promise<void> {
    this.db.prepare('UPDATE users SET totp_secret = ? WHERE uid = ?').run(secret, uid);
  }

  async getTotpSecret(uid: number): Promise<string | null> {
    const secret = this.db.prepare('SELECT totp_secret FROM users WHERE uid = ?').pluck().get(uid) as
      string | null | undefined;
    return secret ?? null;
  }

  async createSession(
    tokenHash: string,
    uid: number,
    expiresAt: Date,
    options: { pendingCode?: boolean } = {},
  ): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (token_hash, uid, expires_at, pending_code) VALUES (?, ?, ?, ?)')
      .run(tokenHash, uid, expiresAt.getTime(), options.pendingCode ? 1 : 0);
  }

  async findSession(tokenHash: string, now: Date): Promise<Session | undefined> {
    const row = this.db
      .prepare(
        `SELECT uid, expires_at, pending_code, code_step FROM sessions
         WHERE token_hash = ? AND expires_at > ?`,
      )
      .get(tokenHash, now.getTime()) as SessionRow | undefined;
    return row && toSession(row);
  }

  async acceptSessionCode(tokenHash: string, step: number): Promise<boolean> {
    // One statement, so two requests racing with the same code cannot both succeed.
    const result = this.db
      .prepare(
        `UPDATE sessions SET pending_code = 0, code_step = ?
         WHERE token_hash = ? AND (code_step IS NULL OR code_step < ?)`,
      )
      .run(step, tokenHash, step);
    return result.changes === 1;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteExpiredSessions(now: Date): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.getTime()).changes;
  }

  async createAccessToken(token: NewAccessToken): Promise<AccessTokenRecord> {
    const createdAt = Date.now();
    const result = this.db
      .prepare(
        `INSERT INTO access_tokens (token_hash, uid, description, methods, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        token.tokenHash,
        token.uid,
        token.description,
        JSON.stringify(token.methods),
        token.expiresAt?.getTime() ?? null,
        createdAt,
      );
    const { tokenHash: _hash, ...record } = token;
    return { ...record, id: Number(result.lastInsertRowid), createdAt: new Date(createdAt) };
  }

  async findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM access_tokens WHERE token_hash = ?').get(tokenHash) as
      AccessTokenRow | undefined;
    return row && toAccessToken(row);
  }

  async getAccessToken(id: number): Promise<AccessTokenRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM access_tokens WHERE id = ?').get(id) as
      AccessTokenRow | undefined;
    return row && toAccessToken(row);
  }

  async listAccessTokens(uid: number): Promise<AccessTokenRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM access_tokens WHERE uid = ? ORDER BY id')
      .all(uid) as AccessTokenRow[];
    return rows.map(toAccessToken);
  }

  async deleteAccessToken(id: number): Promise<void> {
    this.db.prepare('DELETE FROM access_tokens WHERE id = ?').run(id);
  }

  async addKey(key: NewSshKey): Promise<SshKeyRecord> {
    const existing = this.db
      .prepare('SELECT id FROM ssh_keys WHERE uid = ? AND fingerprint_sha256 = ?')
      .get(key.uid, key.fingerprintSha256) as { id: number } | undefined;
    if (existing) throw new DuplicateKeyError(existing.id);
    const createdAt = Date.now();
    const result = this.db
      .prepare(
        `INSERT INTO ssh_keys (uid, title, algorithm, bits, public_key, fingerprint_sha256, fingerprint_md5, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        key.uid,
        key.title,
        key.algorithm,
        key.bits,
        key.publicKey,
        key.fingerprintSha256,
        key.fingerprintMd5,
        createdAt,
      );
    return { ...key, id: Number(result.lastInsertRowid), createdAt: new Date(createdAt) };
  }

  async getKey(id: number): Promise<SshKeyRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM ssh_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row && toKey(row);
  }

  async listKeys(uid: number): Promise<SshKeyRecord[]> {
    const rows = this.db.prepare('SELECT * FROM ssh_keys WHERE uid = ? ORDER BY id').all(uid) as KeyRow[];
    return rows.map(toKey);
  }

  async findKeysByFingerprint(fingerprintSha256: string): Promise<SshKeyRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM ssh_keys WHERE fingerprint_sha256 = ? ORDER BY id')
      .all(fingerprintSha256) as KeyRow[];
    return rows.map(toKey);
  }

  async deleteKey(id: number): Promise<void> {
    this.db.prepare('DELETE FROM ssh_keys WHERE id = ?').run(id);
  }

  async createEnvironment(env: NewEnvironment): Promise<EnvironmentRecord> {
    const createdAt = Date.now();
    this.db
      .prepare(
        `INSERT INTO environments (env_name, owner_uid, shortdomain, domain, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(env.envName, env.ownerUid, env.shortdomain, env.domain, env.status, createdAt);
    return { ...env, createdAt: new Date(createdAt) };
  }

  async getEnvironment(envName: string): Promise<EnvironmentRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM environments WHERE env_name = ?').get(envName) as
      EnvRow | undefined;
    return row && toEnv(row);
  }

  async listEnvironments(ownerUid: number): Promise<EnvironmentRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM environments WHERE owner_uid = ? ORDER BY env_name')
      .all(ownerUid) as EnvRow[];
    return rows.map(toEnv);
  }

  async setEnvironmentStatus(envName: string, status: EnvironmentStatus): Promise<void> {
    this.db.prepare('UPDATE environments SET status = ? WHERE env_name = ?').run(status, envName);
  }

  async createNode(node: NodeRecord): Promise<NodeRecord> {
    this.db
      .prepare(
        `INSERT INTO nodes (id, env_name, node_group, node_type, name, display_name, int_ip, ext_ips,
                            is_master, ssh_host, ssh_port, ssh_user, host_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        node.id,
        node.envName,
        node.nodeGroup,
        node.nodeType,
        node.name,
        node.displayName,
        node.intIP,
        JSON.stringify(node.extIPs),
        node.isMaster ? 1 : 0,
        node.access?.host ?? null,
        node.access?.port ?? null,
        node.access?.user ?? null,
        node.access?.hostKey ?? null,
      );
    return node;
  }

  async getNode(id: number): Promise<NodeRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM nodes WHERE id = ?').get(id) as NodeRow | undefined;
    return row && toNode(row);
  }

  async listNodes(envName: string): Promise<NodeRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM nodes WHERE env_name = ? ORDER BY node_group, id')
      .all(envName) as NodeRow[];
    return rows.map(toNode);
  }

  async setNodeAccess(id: number, access: NodeAccess | null): Promise<void> {
    this.db
      .prepare('UPDATE nodes SET ssh_host = ?, ssh_port = ?, ssh_user = ?, host_key = ? WHERE id = ?')
      .run(access?.host ?? null, access?.port ?? null, access?.user ?? null, access?.hostKey ?? null, id);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
