import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore, type SecretStore } from '../../../electron/core/keys/secretStore.ts';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import { PlatformService, type LocalKeys } from '../../../electron/core/platform/PlatformService.ts';
import { environmentStatusLabel } from '../../../shared/src/environment.ts';
import {
  AuthenticationFailed,
  CodeRequired,
  InvalidInput,
  PermissionDenied,
} from '../../../shared/src/errors.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';

/**
 * Accounts as the real platform has them (issue 13): personal access tokens, a token limited to one
 * method, two-factor sign-in, and SSH key methods served only under users/account — each against
 * the sandbox, which answers as the real service does, strictly where the real answer is unknown.
 */
let sandbox: Sandbox;
let usersOnly: Sandbox;
let dir: string;
const keychain = new KeytarSecretStore();
const keychainService = `enscale-ssh-test-accounts-${process.pid}-${Date.now()}`;

/** The real keychain, with every write noted: what a sign-in step stored, and when. */
function watchedKeychain(): SecretStore & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    get: (service, account) => keychain.get(service, account),
    set: async (service, account, secret) => {
      writes.push(secret);
      await keychain.set(service, account, secret);
    },
    delete: (service, account) => keychain.delete(service, account),
  };
}

function deviceKey(name: string): LocalKeys {
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', join(dir, name)]);
  return {
    list: async () => [{ id: name, name }],
    exportPublic: async () => readFileSync(join(dir, `${name}.pub`), 'utf8').trim(),
  };
}

const profileOf = (box: Sandbox): PlatformProfile => ({
  kind: 'sandbox',
  label: 'Sandbox',
  apiUrl: box.ready.api,
  gateway: { host: '127.0.0.1', port: 3022 },
});

async function serviceFor(box: Sandbox, keyName: string, secrets: SecretStore = keychain) {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const service = new PlatformService({ dataDir, secrets, keys: deviceKey(keyName), keychainService });
  await service.useProfile(profileOf(box));
  return { service, dataDir };
}

const tokenWith = (index: number): string => {
  const token = sandbox.ready.tokens[index]?.token;
  if (!token) throw new Error(`The sandbox's ready line has no token ${index}.`);
  return token;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'real-accounts-'));
  [sandbox, usersOnly] = await Promise.all([
    Sandbox.start({ apiPort: 0 }),
    Sandbox.start({ apiPort: 0, keyApi: 'users' }),
  ]);
}, 180_000);
afterAll(async () => {
  await sandbox?.stop();
  await usersOnly?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('access tokens', () => {
  it('signs in with a token, keeps it in the keychain and never signs it out', async () => {
    const { service, dataDir } = await serviceFor(sandbox, 'token-full');
    const account = await service.signInWithToken(` ${tokenWith(0)} `);
    expect(account).toMatchObject({ uid: 4856, email: 'demo@sandbox.local' });
    expect(await service.current()).toMatchObject({ account: { uid: 4856 }, credential: 'token' });
    expect(await keychain.get(keychainService, `session:${sandbox.ready.api}`)).toBe(tokenWith(0));
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain(tokenWith(0));
    const shop = (await service.environments()).environments.find((env) => env.envName === 'shop');
    expect(shop?.nodes.map((node) => node.id)).toEqual([518839, 518840]);
    expect((await service.syncKey('token-full')).added).toBe(true);
    await service.signOut();
    expect(await keychain.get(keychainService, `session:${sandbox.ready.api}`)).toBeNull();
    // Signing out forgot the token here; on the platform it still works.
    const again = await serviceFor(sandbox, 'token-full-2');
    await expect(again.service.signInWithToken(tokenWith(0))).resolves.toMatchObject({ uid: 4856 });
  });

  it('with a token for GetEnvs only: environments work, a key sync names the permission, still signed in', async () => {
    const { service } = await serviceFor(sandbox, 'token-restricted');
    await service.signInWithToken(tokenWith(1));
    expect((await service.environments()).environments.map((env) => env.envName)).toEqual([
      'analytics',
      'shop',
      'staging',
    ]);
    const error = await service.syncKey('token-restricted').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDenied);
    expect((error as PermissionDenied).details['method']).toBe('management.Account.GetSSHKeys');
    expect((error as Error).message).toBe(
      'Your access token lacks permission for management.Account.GetSSHKeys. Create a token that includes it (dashboard: Settings → API Access Tokens).',
    );
    expect(await service.current()).toMatchObject({ account: { uid: 4856 }, credential: 'token' });
    expect((await service.environments()).offline).toBe(false);
  });

  it('refuses a mistyped token with what to check', async () => {
    const { service } = await serviceFor(sandbox, 'token-bad');
    await expect(service.signInWithToken('0'.repeat(40))).rejects.toThrow(
      'The platform does not accept this access token: it may be mistyped, expired or deleted.',
    );
    await expect(service.signInWithToken('two words')).rejects.toBeInstanceOf(InvalidInput);
  });

  it('uses a token from the environment without reading or writing the keychain', async () => {
    const writes: string[] = [];
    const untouchable: SecretStore = {
      get: async () => {
        throw new Error('the keychain was read');
      },
      set: async (_s, _a, secret) => void writes.push(secret),
      delete: async () => {
        throw new Error('the keychain was changed');
      },
    };
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const service = new PlatformService({
      dataDir,
      secrets: untouchable,
      keys: deviceKey('env-token'),
      keychainService,
      environmentToken: tokenWith(0),
    });
    await service.useProfile(profileOf(sandbox));
    expect(await service.current()).toMatchObject({ account: { uid: 4856 }, credential: 'environment' });
    expect((await service.environments()).environments.map((env) => env.envName)).toContain('shop');
    await expect(service.signOut()).rejects.toThrow(/ENSCALE_SSH_TOKEN is set/);
    expect(writes).toEqual([]);
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain(tokenWith(0));
  });
});

describe('two-factor sign-in', () => {
  const code = () => {
    const secret = sandbox.ready.users.find((user) => user.login === 'twofa@sandbox.local')?.totpSecret;
    if (!secret) throw new Error('The sandbox names no TOTP secret for twofa@sandbox.local.');
    return new OTPAuth.TOTP({ secret }).generate();
  };

  it('asks for the code, refuses a wrong one, signs in with the right one', async () => {
    const secrets = watchedKeychain();
    const { service } = await serviceFor(sandbox, 'twofa', secrets);
    const asked = await service.signIn('twofa@sandbox.local', 'twofa').catch((e: unknown) => e);
    expect(asked).toBeInstanceOf(CodeRequired);
    expect((asked as Error).message).toBe(
      'Enter the 6-digit code from your authenticator app for twofa@sandbox.local.',
    );
    // The half-signed-in session is nowhere but in memory.
    expect(secrets.writes).toEqual([]);
    expect((await service.current()).account).toBeNull();
    const right = code();
    const wrong = right === '000000' ? '111111' : '000000';
    await expect(service.verifyCode(wrong)).rejects.toThrow(
      'The verification code is wrong or has expired. Enter the current code from your authenticator app.',
    );
    await expect(service.verifyCode(wrong)).rejects.toBeInstanceOf(AuthenticationFailed);
    await expect(service.verifyCode('12ab')).rejects.toBeInstanceOf(InvalidInput);
    const account = await service.verifyCode(right);
    expect(account).toMatchObject({ uid: 4870, email: 'twofa@sandbox.local' });
    expect(secrets.writes).toHaveLength(1);
    const vault = (await service.environments()).environments.find((env) => env.envName === 'vault');
    expect(vault?.nodes.map((node) => node.id)).toEqual([518870]);
    await service.signOut();
  });

  it('calls a session still waiting for its code refused, not signed out', async () => {
    const client = new PlatformClient({ baseUrl: sandbox.ready.api });
    const pending = await client.signIn('twofa@sandbox.local', 'twofa');
    expect(pending.codeRequired).toBe(true);
    const error = await client.environments(pending.session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDenied);
    expect((error as Error).message).toBe(
      'The platform refused environment.Control.GetEnvs (permission denied): Two-factor authentication required: verify the code first.',
    );
    expect((error as PermissionDenied).details['method']).toBe('environment.Control.GetEnvs');
    // Refused is not forgotten: the same session still takes its code.
    await client.verifyCode(pending.session, code());
    expect((await client.environments(pending.session)).map((env) => env.envName)).toEqual(['vault']);
  });

  it('has nothing to verify before a password sign-in', async () => {
    const { service } = await serviceFor(sandbox, 'twofa-early');
    await expect(service.verifyCode('123456')).rejects.toThrow('Sign in with your password first');
  });
});

describe('a platform that serves the key methods under users/account only', () => {
  it('finds, adds and deletes keys there', async () => {
    const { service } = await serviceFor(usersOnly, 'older-install');
    await service.signIn('demo@sandbox.local', 'demo');
    const synced = await service.syncKey('older-install');
    expect(synced.added).toBe(true);
    expect((await service.dashboardKeys()).map((key) => key.id)).toContain(synced.key.id);
    await service.deleteDashboardKey(synced.key.id);
    expect((await service.dashboardKeys()).map((key) => key.id)).not.toContain(synced.key.id);
  });

  it('deletes there from a client that has not listed keys yet (as one CLI run does)', async () => {
    const signIn = await new PlatformClient({ baseUrl: usersOnly.ready.api }).signIn(
      'demo@sandbox.local',
      'demo',
    );
    if (signIn.codeRequired) throw new Error('demo has no two-factor authentication');
    const { session } = signIn;
    const publicKey = await deviceKey('older-install-2').exportPublic('older-install-2');
    const added = await new PlatformClient({ baseUrl: usersOnly.ready.api }).addKey(
      session,
      'older-install-2',
      publicKey,
    );
    await new PlatformClient({ baseUrl: usersOnly.ready.api }).deleteKey(session, added.id);
    const left = await new PlatformClient({ baseUrl: usersOnly.ready.api }).listKeys(session);
    expect(left.map((key) => key.id)).not.toContain(added.id);
  });
});

it('names environment status 5 as the platform does', () => {
  expect(environmentStatusLabel(5)).toBe('Suspended');
});
