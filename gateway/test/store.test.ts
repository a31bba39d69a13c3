import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../src/store/migrations.ts';
import { hashPassword, verifyPassword } from '../src/store/password.ts';
import { SqliteStore } from '../src/store/SqliteStore.ts';
import { DuplicateKeyError } from '../src/store/Store.ts';
import { EnvironmentStatus } from '../src/store/types.ts';

describe('migrations', () => {
  it('create every table on an empty database and record the version', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(migrations.at(-1)?.version);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(['users', 'sessions', 'ssh_keys', 'environments', 'nodes', 'schema_migrations']),
    );
    const nodeColumns = db
      .prepare('PRAGMA table_info(nodes)')
      .all()
      .map((c) => (c as { name: string }).name);
    expect(nodeColumns).toEqual(
      expect.arrayContaining(['ssh_host', 'ssh_port', 'ssh_user', 'host_key', 'ext_ips', 'is_master']),
    );
  });

  it('apply nothing twice, and only the newer ones later', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(migrate(db)).toEqual([]);
    const next = { version: 99, name: 'test-column', sql: 'ALTER TABLE users ADD COLUMN nickname TEXT' };
    expect(migrate(db, [...migrations, next])).toEqual([99]);
    expect(schemaVersion(db)).toBe(99);
    expect(migrate(db, [...migrations, next])).toEqual([]);
  });

  it('bring a version 1 database forward without losing its data', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    db.prepare(
      "INSERT INTO users (uid, login, name, email, password_hash) VALUES (1, 'a', 'A', 'a', 'x')",
    ).run();
    db.prepare("INSERT INTO sessions (token_hash, uid, expires_at) VALUES ('s', 1, 1)").run();
    expect(migrate(db)).toEqual([2]);
    expect(db.prepare('SELECT login, totp_secret FROM users').get()).toEqual({
      login: 'a',
      totp_secret: null,
    });
    expect(db.prepare('SELECT pending_code, code_step FROM sessions').get()).toEqual({
      pending_code: 0,
      code_step: null,
    });
    expect(db.prepare('SELECT count(*) FROM access_tokens').pluck().get()).toBe(0);
  });

  it('roll back a failing migration entirely', () => {
    const db = new Database(':memory:');
    migrate(db);
    const latest = migrations.at(-1)?.version ?? 0;
    const broken = {
      version: latest + 1,
      name: 'broken',
      sql: 'CREATE TABLE half (a INT); SELECT * FROM no_such_table;',
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(latest);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
  });
});

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'store-test-'));
    store = new SqliteStore(join(dir, 'platform.db'));
    await store.createUser({
      uid: 1,
      login: 'a@example.com',
      name: 'A',
      email: 'a@example.com',
      passwordHash: 'x',
    });
    await store.createUser({
      uid: 2,
      login: 'b@example.com',
      name: 'B',
      email: 'b@example.com',
      passwordHash: 'y',
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds users by login without regard to case', async () => {
    expect((await store.findUserByLogin('A@Example.com'))?.uid).toBe(1);
    expect(await store.findUserByLogin('nobody@example.com')).toBeUndefined();
  });

  it('keeps sessions until they expire', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    await store.createSession('hash-1', 1, new Date(now.getTime() + 1000));
    expect(await store.findSession('hash-1', now)).toMatchObject({ uid: 1 });
    expect(await store.findSession('hash-1', new Date(now.getTime() + 1000))).toBeUndefined();
    expect(await store.deleteExpiredSessions(new Date(now.getTime() + 2000))).toBe(1);
  });

  it('keeps a two-factor sign-in pending until a code is accepted, and each time step once', async () => {
    const later = new Date(Date.now() + 60_000);
    await store.createSession('pending', 1, later, { pendingCode: true });
    await store.createSession('plain', 1, later);
    expect(await store.findSession('pending', new Date())).toMatchObject({
      pendingCode: true,
      codeStep: null,
    });
    expect(await store.findSession('plain', new Date())).toMatchObject({ pendingCode: false });
    expect(await store.acceptSessionCode('pending', 100)).toBe(true);
    expect(await store.findSession('pending', new Date())).toMatchObject({
      pendingCode: false,
      codeStep: 100,
    });
    expect(await store.acceptSessionCode('pending', 100)).toBe(false);
    expect(await store.acceptSessionCode('pending', 99)).toBe(false);
    expect(await store.acceptSessionCode('pending', 101)).toBe(true);
    expect(await store.acceptSessionCode('nobody', 200)).toBe(false);
  });

  it('keeps a TOTP secret per user', async () => {
    expect(await store.getTotpSecret(1)).toBeNull();
    await store.setTotpSecret(1, 'JBSWY3DPEHPK3PXP');
    expect(await store.getTotpSecret(1)).toBe('JBSWY3DPEHPK3PXP');
    expect((await store.findUserByLogin('a@example.com'))?.totpSecret).toBe('JBSWY3DPEHPK3PXP');
    expect(await store.getTotpSecret(2)).toBeNull();
  });

  it('stores access tokens by hash, lists them per user and drops them with the user', async () => {
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const created = await store.createAccessToken({
      tokenHash: 'token-hash',
      uid: 1,
      description: 'ci',
      methods: ['environment.Control.GetEnvs'],
      expiresAt,
    });
    expect(created).toMatchObject({ uid: 1, description: 'ci', expiresAt });
    expect(created).not.toHaveProperty('tokenHash');
    expect(await store.findAccessToken('token-hash')).toEqual(created);
    await store.createAccessToken({
      tokenHash: 'h2',
      uid: 2,
      description: 'x',
      methods: [],
      expiresAt: null,
    });
    expect((await store.listAccessTokens(1)).map((t) => t.id)).toEqual([created.id]);
    await store.deleteAccessToken(created.id);
    expect(await store.getAccessToken(created.id)).toBeUndefined();
    await expect(
      store.createAccessToken({ tokenHash: 'h2', uid: 1, description: 'dup', methods: [], expiresAt: null }),
    ).rejects.toThrow(/UNIQUE/);
  });

  it('refuses the same key twice for one user but allows it for another', async () => {
    const key = {
      uid: 1,
      title: 'laptop',
      algorithm: 'ssh-ed25519',
      bits: 256,
      publicKey: 'ssh-ed25519 AAAA',
      fingerprintSha256: 'SHA256:abc',
      fingerprintMd5: 'aa:bb',
    };
    const first = await store.addKey(key);
    await expect(store.addKey({ ...key, title: 'again' })).rejects.toBeInstanceOf(DuplicateKeyError);
    await store.addKey({ ...key, uid: 2 });
    expect((await store.findKeysByFingerprint('SHA256:abc')).map((k) => k.uid)).toEqual([1, 2]);
    await store.deleteKey(first.id);
    expect(await store.listKeys(1)).toEqual([]);
  });

  it('stores environments, nodes and how the gateway reaches them', async () => {
    await store.createEnvironment({
      envName: 'env1',
      ownerUid: 1,
      shortdomain: 'env1',
      domain: 'env1.example',
      status: EnvironmentStatus.Running,
    });
    await store.createNode({
      id: 10,
      envName: 'env1',
      nodeGroup: 'cp',
      nodeType: 'apache2',
      name: 'Apache',
      displayName: null,
      intIP: '10.0.0.1',
      extIPs: ['192.0.2.1'],
      isMaster: true,
      access: null,
    });
    const access = { host: '127.0.0.1', port: 2222, user: 'apache', hostKey: 'ssh-ed25519 AAAA' };
    await store.setNodeAccess(10, access);
    expect(await store.getNode(10)).toMatchObject({ extIPs: ['192.0.2.1'], isMaster: true, access });
    await store.setEnvironmentStatus('env1', EnvironmentStatus.Down);
    expect((await store.getEnvironment('env1'))?.status).toBe(EnvironmentStatus.Down);
    expect((await store.listEnvironments(1)).map((e) => e.envName)).toEqual(['env1']);
    expect(await store.listEnvironments(2)).toEqual([]);
  });

  it('survives a reopen with its data', async () => {
    await store.close();
    store = new SqliteStore(join(dir, 'platform.db'));
    expect((await store.getUser(2))?.login).toBe('b@example.com');
  });
});

describe('password hashes', () => {
  it('verify the right password only, and never a malformed hash', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('correct horse', 'plain-text')).toBe(false);
  });
});
