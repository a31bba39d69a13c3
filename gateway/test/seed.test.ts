import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NODES, DEMO_USERS } from '../src/sandbox/demoData.ts';
import { seedDemoData } from '../src/sandbox/seed.ts';
import { SqliteStore } from '../src/store/SqliteStore.ts';
import { EnvironmentStatus } from '../src/store/types.ts';

describe('seedDemoData', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seed-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a data folder from before the two-factor account that account, and leaves the rest', async () => {
    const file = join(dir, 'platform.db');
    let store = new SqliteStore(file);
    // What an older sandbox seeded: the demo user with one environment, stopped by its user since.
    await store.createUser({
      uid: 4856,
      login: 'demo@sandbox.local',
      name: 'Renamed',
      email: 'd',
      passwordHash: 'x',
    });
    await store.createEnvironment({
      envName: 'shop',
      ownerUid: 4856,
      shortdomain: 'shop',
      domain: 'shop.sandbox.local',
      status: EnvironmentStatus.Down,
    });
    expect(await seedDemoData(store)).toBe(true);
    expect((await store.getUser(4856))?.name).toBe('Renamed');
    expect((await store.getEnvironment('shop'))?.status).toBe(EnvironmentStatus.Down);
    expect((await store.getUser(4870))?.login).toBe('twofa@sandbox.local');
    expect((await store.getEnvironment('vault'))?.status).toBe(EnvironmentStatus.Running);
    for (const node of DEMO_NODES) expect(await store.getNode(node.id), String(node.id)).toBeDefined();
    const secret = await store.getTotpSecret(4870);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await store.close();

    // Started again on the kept folder: nothing to add, and the authenticator entry still fits.
    store = new SqliteStore(file);
    expect(await seedDemoData(store)).toBe(false);
    expect(await store.getTotpSecret(4870)).toBe(secret);
    for (const user of DEMO_USERS.filter((u) => !u.twoFactor)) {
      expect(await store.getTotpSecret(user.uid)).toBeNull();
    }
    await store.close();
  });

  it('makes a different secret for every data folder', async () => {
    const secrets = [];
    for (const name of ['a.db', 'b.db']) {
      const store = new SqliteStore(join(dir, name));
      await seedDemoData(store);
      secrets.push(await store.getTotpSecret(4870));
      await store.close();
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});
