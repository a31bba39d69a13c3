import type Database from 'better-sqlite3';

/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction; the applied
 * versions are recorded in `schema_migrations`. Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'platform',
    sql: `
      CREATE TABLE users (
        uid           INTEGER PRIMARY KEY,
        login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL,
        password_hash TEXT NOT NULL
      );
      -- Only a hash of each session token is kept: a copy of this file does not sign anyone in.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        uid        INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_expiry ON sessions(expires_at);
      CREATE TABLE ssh_keys (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        uid                INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
        title              TEXT NOT NULL,
        algorithm          TEXT NOT NULL,
        bits               INTEGER NOT NULL,
        public_key         TEXT NOT NULL,
        fingerprint_sha256 TEXT NOT NULL,
        fingerprint_md5    TEXT NOT NULL,
        created_at         INTEGER NOT NULL,
        UNIQUE (uid, fingerprint_sha256)
      );
      CREATE INDEX ssh_keys_fingerprint ON ssh_keys(fingerprint_sha256);
      CREATE TABLE environments (
        env_name    TEXT PRIMARY KEY,
        owner_uid   INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
        shortdomain TEXT NOT NULL,
        domain      TEXT NOT NULL,
        status      INTEGER NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE INDEX environments_owner ON environments(owner_uid);
      CREATE TABLE nodes (
        id            INTEGER PRIMARY KEY,
        env_name      TEXT NOT NULL REFERENCES environments(env_name) ON DELETE CASCADE,
        node_group    TEXT NOT NULL,
        node_type     TEXT NOT NULL,
        name          TEXT NOT NULL,
        display_name  TEXT,
        int_ip        TEXT NOT NULL,
        ext_ips       TEXT NOT NULL DEFAULT '[]',
        is_master     INTEGER NOT NULL DEFAULT 0,
        -- how the gateway reaches the node; NULL while the node has no running sshd
        ssh_host      TEXT,
        ssh_port      INTEGER,
        ssh_user      TEXT,
        host_key      TEXT
      );
      CREATE INDEX nodes_env ON nodes(env_name);
    `,
  },
  {
    version: 2,
    name: 'tokens-and-two-factor',
    sql: `
      -- Personal access tokens: like sessions, only a hash of each is kept. \`methods\` is the JSON
      -- array of API method names the token allows (its apiList); NULL expires_at never expires.
      CREATE TABLE access_tokens (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        token_hash  TEXT NOT NULL UNIQUE,
        uid         INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
        description TEXT NOT NULL,
        methods     TEXT NOT NULL,
        expires_at  INTEGER,
        created_at  INTEGER NOT NULL
      );
      CREATE INDEX access_tokens_uid ON access_tokens(uid);
      -- Base32 RFC 6238 secret; NULL for an account without two-factor sign-in.
      ALTER TABLE users ADD COLUMN totp_secret TEXT;
      -- A two-factor sign-in's session stays pending until verify2facode accepts a code; code_step
      -- is the TOTP time step last accepted for it, so the same code cannot be used twice.
      ALTER TABLE sessions ADD COLUMN pending_code INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sessions ADD COLUMN code_step INTEGER;
    `,
  },
];

/** Applies every migration newer than the database's version. Returns the versions applied. */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
    done.push(migration.version);
  }
  return done;
}

/** The highest applied version, 0 for an empty database. */
export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
