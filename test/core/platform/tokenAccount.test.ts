import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import { PlatformService } from '../../../electron/core/platform/PlatformService.ts';
import type { SecretStore } from '../../../electron/core/keys/secretStore.ts';
import { SignedOut } from '../../../shared/src/errors.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';

/**
 * ENSCALE_SSH_TOKEN's account, remembered in the profile (electron/core/platform/tokenAccount.ts):
 * a later run knows the uid that names the gateway user without asking the platform; the token is
 * never written; an entry for another token or platform, or a damaged one, is not believed; and a
 * token the platform no longer accepts is refused on the next platform call and forgotten.
 */
let sandbox: Sandbox;
let dir: string;
const REFUSED = 'The platform does not accept ENSCALE_SSH_TOKEN: it may be mistyped, expired or deleted.';

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'token-account-'));
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const noKeychain: SecretStore = {
  get: async () => {
    throw new Error('the keychain was read');
  },
  set: async () => {
    throw new Error('the keychain was written');
  },
  delete: async () => {
    throw new Error('the keychain was changed');
  },
};

/** One run's service on `dataDir` with `token`, and the GetUserInfo calls it made (a real client, counted). */
async function run(dataDir: string, token: string) {
  const asked: string[] = [];
  const client = new PlatformClient({ baseUrl: sandbox.ready.api, usesToken: () => true });
  const account = client.account.bind(client);
  client.account = (session: string) => {
    asked.push(session);
    return account(session);
  };
  const service = new PlatformService({
    dataDir,
    secrets: noKeychain,
    keys: { list: async () => [], exportPublic: async () => '' },
    clientFor: () => client,
    environmentToken: token,
  });
  const profile: PlatformProfile = {
    kind: 'sandbox',
    label: 'Sandbox',
    apiUrl: sandbox.ready.api,
    gateway: { host: '127.0.0.1', port: 3022 },
  };
  await service.useProfile(profile);
  return { service, asked };
}

/** A new access token of the demo account, as a user makes one on the dashboard, and how to delete it. */
async function newToken(): Promise<{ token: string; revoke(): Promise<void> }> {
  const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
  const { session } = await platform.signIn('demo@sandbox.local', 'demo');
  const call = async (method: string, params: Record<string, string>) => {
    const reply = await fetch(`${sandbox.ready.api}/1.0/users/authentication/rest/${method}`, {
      method: 'POST',
      body: new URLSearchParams({ session, ...params }),
    });
    return (await reply.json()) as { result: number; token?: string; id?: number };
  };
  const created = await call('createtoken', {
    password: 'demo',
    description: 'token account test',
    apiList: 'users.Account.GetUserInfo,environment.Control.GetEnvs',
  });
  if (!created.token || created.id === undefined) throw new Error(`createtoken: ${JSON.stringify(created)}`);
  return {
    token: created.token,
    revoke: async () => void expect((await call('deletetoken', { id: String(created.id) })).result).toBe(0),
  };
}

describe('the account of ENSCALE_SSH_TOKEN, remembered between runs', () => {
  it('is asked once; later runs know it without asking, and the token is never written', async () => {
    const { token } = await newToken();
    const dataDir = mkdtempSync(join(dir, 'profile-'));
    const first = await run(dataDir, token);
    expect(await first.service.current()).toMatchObject({
      account: { uid: 4856, email: 'demo@sandbox.local' },
      credential: 'environment',
    });
    expect(first.asked).toHaveLength(1);

    const second = await run(dataDir, token);
    expect(await second.service.current()).toMatchObject({
      account: { uid: 4856 },
      credential: 'environment',
    });
    expect(second.asked).toEqual([]);
    // A platform call still carries the token itself.
    expect((await second.service.environments()).environments.map((env) => env.envName)).toContain('shop');
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain(token);
  });

  it('is not believed for another token, another platform, or when damaged', async () => {
    const { token } = await newToken();
    const other = await newToken();
    const dataDir = mkdtempSync(join(dir, 'profile-'));
    await (await run(dataDir, token)).service.current();
    const file = join(dataDir, 'token-account.json');
    const remembered = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

    const another = await run(dataDir, other.token);
    await another.service.current();
    expect(another.asked).toEqual([other.token]);

    const tampered = [
      { ...remembered, apiUrl: 'https://elsewhere.example.com' },
      { ...remembered, account: { uid: '4857', email: 'x', name: 'y' } },
      { ...remembered, account: { uid: -1, email: 'x', name: 'y' } },
      { ...remembered, token: 'f'.repeat(16) },
    ];
    for (const entry of tampered) {
      writeFileSync(file, JSON.stringify(entry));
      const next = await run(dataDir, token);
      expect(await next.service.current()).toMatchObject({ account: { uid: 4856 } });
      expect(next.asked).toEqual([token]);
    }
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    const damaged = await run(dataDir, token);
    expect(await damaged.service.current()).toMatchObject({ account: { uid: 4856 } });
    expect(damaged.asked).toEqual([token]);
  });

  it('is forgotten when the platform refuses the token, which is then refused with what to check', async () => {
    const { token, revoke } = await newToken();
    const dataDir = mkdtempSync(join(dir, 'profile-'));
    await (await run(dataDir, token)).service.current();
    await revoke();

    const after = await run(dataDir, token);
    // Connecting needs only the uid (the gateway admits by key); a platform call needs the token.
    expect(await after.service.current()).toMatchObject({ account: { uid: 4856 } });
    const refused = await after.service.environments().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SignedOut);
    expect((refused as Error).message).toBe(REFUSED);

    const next = await run(dataDir, token);
    await expect(next.service.current()).rejects.toThrow(REFUSED);
    expect(next.asked).toEqual([token]);
  });
});
