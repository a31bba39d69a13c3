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

  it('roll back a failing migration entirely', () => {
    const db = new Database(':memory:');
    migrate(db);
    const broken = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE half (a INT); SELECT * FROM no_such_table;',
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(1);
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
