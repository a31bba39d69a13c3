import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../electron/core/keys/errors.ts';
import { scriptSecrets, throwawayProfileSecrets } from '../../electron/core/keys/keychainFallback.ts';
import { MemorySecretStore } from '../../electron/core/keys/memorySecretStore.ts';
import { KeytarSecretStore } from '../../electron/core/keys/secretStore.ts';
import { noDesktopEnv } from './noDesktop.ts';

/**
 * Where secrets go with the real keytar on a machine with no desktop session: this process's own
 * environment is made one (libsecret reads it when it first looks for a bus), so every keychain call
 * below really fails the way it does on a server.
 */
const SERVICE = `enscale-ssh-test-nokeychain-${process.pid}`;
let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nokeychain-secrets-'));
  const env = noDesktopEnv(dir);
  for (const name of Object.keys(process.env)) if (!(name in env)) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, env);
});
afterAll(() => {
  Object.assign(process.env, saved);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('secrets without a keychain', () => {
  it('finds no keychain here (what the rest relies on)', async () => {
    await expect(new KeytarSecretStore().get(SERVICE, 'anything')).rejects.toBeInstanceOf(
      KeychainUnavailable,
    );
  });

  it('keeps a throwaway profile’s secrets in memory, each under its own service and account', async () => {
    const { secrets, home } = await throwawayProfileSecrets(new KeytarSecretStore(), SERVICE);
    expect(home).toBe('memory');
    await secrets.set(SERVICE, 'key:1', 'data key one');
    await secrets.set(SERVICE, 'session:https://a', 'session a');
    await secrets.set('another service', 'key:1', 'not the same');
    expect(await secrets.get(SERVICE, 'key:1')).toBe('data key one');
    expect(await secrets.get('another service', 'key:1')).toBe('not the same');
    expect(await secrets.delete(SERVICE, 'key:1')).toBe(true);
    expect(await secrets.delete(SERVICE, 'key:1')).toBe(false);
    expect(await secrets.get(SERVICE, 'key:1')).toBeNull();
    expect(await secrets.get(SERVICE, 'session:https://a')).toBe('session a');
  });

  it('gives a script’s run nothing to read and refuses to store, with the keychain’s own message', async () => {
    const secrets = scriptSecrets(new KeytarSecretStore(), SERVICE);
    expect(await secrets.get(SERVICE, 'key:1')).toBeNull();
    const refused = secrets.set(SERVICE, 'key:1', 'would be lost on the next run');
    await expect(refused).rejects.toBeInstanceOf(KeychainUnavailable);
    await expect(refused).rejects.toThrow(/The system keychain is not available .*install gnome-keyring/i);
    expect(await secrets.get(SERVICE, 'key:1')).toBeNull();
    expect(await secrets.home()).toBe('memory');
  });

  it('a memory store asked to refuse writes keeps nothing', async () => {
    const store = new MemorySecretStore({ refuseWrites: () => new KeychainUnavailable('no keychain') });
    await expect(store.set('s', 'a', 'secret')).rejects.toThrow('no keychain');
    expect(await store.get('s', 'a')).toBeNull();
  });
});
