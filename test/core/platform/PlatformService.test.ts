import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/core/keys/secretStore.ts';
import { PlatformService, type LocalKeys } from '../../../electron/core/platform/PlatformService.ts';
import { InvalidInput, PlatformUnreachable, SignedOut } from '../../../shared/src/errors.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';

let sandbox: Sandbox;
let dir: string;
const secrets = new KeytarSecretStore();
const keychainService = `enscale-ssh-test-${process.pid}-${Date.now()}`;

/** This device's keys, made by ssh-keygen: what the vault hands the service. */
function deviceKeys(names: string[]): LocalKeys {
  for (const name of names)
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
  return {
    list: async () => names.map((name) => ({ id: name, name })),
    exportPublic: async (id) => readFileSync(join(dir, `${id}.pub`), 'utf8').trim(),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'platform-service-'));
  sandbox = await Sandbox.start({ apiPort: 0 });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sandboxProfile = (): PlatformProfile => ({
  kind: 'sandbox',
  label: 'Sandbox',
  apiUrl: sandbox.ready.api,
  gateway: { host: '127.0.0.1', port: 3022 },
});

describe('PlatformService', () => {
  it('starts, stops and puts an environment to sleep, answering with it as it is after, and tells every window', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const service = new PlatformService({ dataDir, secrets, keys: deviceKeys([]), keychainService });
    await service.useProfile(sandboxProfile());
    await service.signIn('demo@sandbox.local', 'demo');
    const lists: { envName: string; status: number }[][] = [];
    service.events.on('environments', ({ environments }) =>
      lists.push(environments.map(({ envName, status }) => ({ envName, status }))),
    );
    const staging = () => lists.at(-1)?.find((env) => env.envName === 'staging')?.status;

    expect((await service.startEnvironment('staging')).status).toBe(1);
    expect(staging()).toBe(1);
    expect((await service.sleepEnvironment('staging')).status).toBe(4);
    expect(staging()).toBe(4);
    // The platform's own refusal, in its words; the list is read again all the same.
    const before = lists.length;
    await expect(service.sleepEnvironment('staging')).rejects.toThrow(
      /current Environment status \[ENV_STATUS_TYPE_SLEEP\]/,
    );
    expect(lists.length).toBe(before + 1);
    expect((await service.startEnvironment('staging')).status).toBe(1);
    expect((await service.stopEnvironment('staging')).status).toBe(2);
    expect(staging()).toBe(2);
    await expect(service.stopEnvironment('nope')).rejects.toThrow(/nope/);
    await service.signOut();
  });

  it('refuses a plain-http API address for another computer, and keeps the platform it had', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const service = new PlatformService({ dataDir, secrets, keys: deviceKeys([]), keychainService });
    await service.useProfile(sandboxProfile());
    const remote = { ...sandboxProfile(), kind: 'custom', apiUrl: 'http://app.example.com' } as const;
    await expect(service.useProfile(remote)).rejects.toBeInstanceOf(InvalidInput);
    expect((await service.current()).profile?.apiUrl).toBe(sandbox.ready.api);
  });

  it('keeps the session in the keychain, not in a file', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const service = new PlatformService({ dataDir, secrets, keys: deviceKeys(['a1']), keychainService });
    await service.useProfile(sandboxProfile());
    const account = await service.signIn('demo@sandbox.local', 'demo');
    expect(account.uid).toBe(4856);
    const session = await secrets.get(keychainService, `session:${sandbox.ready.api}`);
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    for (const file of readdirSync(dataDir)) {
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain(session!);
    }
    expect((await service.environments()).environments.map((e) => e.envName)).toEqual([
      'analytics',
      'shop',
      'staging',
    ]);
    await service.signOut();
    expect(await secrets.get(keychainService, `session:${sandbox.ready.api}`)).toBeNull();
    await expect(service.environments()).rejects.toBeInstanceOf(SignedOut);
  });

  it('syncs a key once, whatever its title, and names this device’s keys', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const keys = deviceKeys(['laptop', 'desktop']);
    const service = new PlatformService({ dataDir, secrets, keys, keychainService });
    await service.useProfile(sandboxProfile());
    await service.signIn('other@sandbox.local', 'other');
    const first = await service.syncKey('laptop');
    expect(first.added).toBe(true);
    const again = await service.syncKey('laptop');
    expect(again).toMatchObject({ added: false, key: { id: first.key.id } });
    await service.syncKey('desktop');
    const dashboard = await service.dashboardKeys();
    expect(dashboard.filter((k) => k.id === first.key.id)).toHaveLength(1);
    const third = await service.syncKey('desktop');
    expect(third.deviceKeys.map((k) => k.title).sort()).toEqual(['desktop', 'laptop']);
    await service.signOut();
  });

  it('keeps the last environment list when the platform cannot be reached, and says so', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const other = await Sandbox.start({ apiPort: 0 });
    const profile = { ...sandboxProfile(), apiUrl: other.ready.api };
    const service = new PlatformService({ dataDir, secrets, keys: deviceKeys(['c1']), keychainService });
    await service.useProfile(profile);
    await service.signIn('demo@sandbox.local', 'demo');
    const online = await service.environments();
    expect(online.offline).toBe(false);
    await other.stop();
    const offline = await service.environments();
    expect(offline).toMatchObject({ offline: true, fetchedAt: online.fetchedAt });
    expect(offline.environments.map((e) => e.envName)).toEqual(['analytics', 'shop', 'staging']);
    await expect(service.dashboardKeys()).rejects.toBeInstanceOf(PlatformUnreachable);
  });
});
