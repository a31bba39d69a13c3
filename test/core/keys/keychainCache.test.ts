import { utils } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keychainDenied, KeychainUnavailable } from '../../../electron/core/keys/errors.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import {
  CachedSecretStore,
  KeytarSecretStore,
  type SecretStore,
} from '../../../electron/core/keys/secretStore.ts';
import { keyPart, scratch, uniqueService, type Scratch } from './keyTools.ts';

/** `type base64` of a private key's public half, as ssh2 (which signs in with it) reads the key. */
function publicOf(privateKey: Buffer): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

/** The real keychain (gnome-keyring under scripts/with-keyring.sh), counting what reaches it. */
class CountingKeychain implements SecretStore {
  readonly reads: string[] = [];
  /** Reads still to refuse as macOS does when the user presses Deny. */
  denials = 0;
  readonly #keychain = new KeytarSecretStore();

  get(service: string, account: string): Promise<string | null> {
    this.reads.push(account);
    if (this.denials > 0) {
      this.denials -= 1;
      return Promise.reject(
        keychainDenied('could not read a secret: User canceled the operation.', 'darwin'),
      );
    }
    return this.#keychain.get(service, account);
  }
  set(service: string, account: string, secret: string): Promise<void> {
    return this.#keychain.set(service, account, secret);
  }
  delete(service: string, account: string): Promise<boolean> {
    return this.#keychain.delete(service, account);
  }
}

let work: Scratch;
let service: string;
let keychain: CountingKeychain;
let cached: CachedSecretStore;

beforeEach(async () => {
  work = await scratch('keys-keychain-cache');
  service = uniqueService();
  keychain = new CountingKeychain();
  cached = new CachedSecretStore(keychain);
});

afterEach(async () => {
  for (const account of ['a', 'b']) await keychain.delete(service, account);
  await work.remove();
});

describe('the keychain, read once per core process', () => {
  it('reads a key’s secret once for any number of connections, one after another or at once', async () => {
    // Made by an earlier run of the app; this process has not read its secret yet.
    const earlier = new KeyVault({ dataDir: work.dir, secrets: keychain, service });
    const { id, publicKey } = await earlier.generate({ name: 'cached', bits: 2048 });
    keychain.reads.length = 0;
    const vault = new KeyVault({ dataDir: work.dir, secrets: cached, service });

    const keys: Buffer[] = [];
    for (let i = 0; i < 5; i += 1) keys.push(await vault.privateKeyFor(id));
    keys.push(...(await Promise.all(Array.from({ length: 5 }, () => vault.privateKeyFor(id)))));
    // Each is the vault's key, opened with the secret the one read returned.
    expect(new Set(keys.map(publicOf))).toEqual(new Set([keyPart(publicKey)]));
    // Ten connections, one keychain read (one macOS prompt for an unsigned app), where there were ten.
    expect(keychain.reads).toEqual([`key:${id}`]);
  });

  it('shares one read between concurrent first reads', async () => {
    await keychain.set(service, 'a', 'secret a');
    const answers = await Promise.all(Array.from({ length: 8 }, () => cached.get(service, 'a')));
    expect(answers).toEqual(Array(8).fill('secret a'));
    expect(keychain.reads).toEqual(['a']);
  });

  it('reads again after the secret is changed or deleted through it, and still proves a write', async () => {
    await cached.set(service, 'a', 'first');
    expect(await cached.get(service, 'a')).toBe('first');
    await cached.set(service, 'a', 'second');
    expect(await cached.get(service, 'a')).toBe('second');
    expect(await cached.get(service, 'a')).toBe('second');
    expect(await cached.delete(service, 'a')).toBe(true);
    expect(await cached.get(service, 'a')).toBeNull();
    // Each change sends the next read to the keychain; nothing else does.
    expect(keychain.reads).toEqual(['a', 'a', 'a']);
  });

  it('forgets a deleted key: the vault’s delete leaves nothing to open the key file with', async () => {
    const vault = new KeyVault({ dataDir: work.dir, secrets: cached, service });
    const { id } = await vault.generate({ name: 'deleted', bits: 2048 });
    await vault.privateKeyFor(id);
    await vault.delete(id);
    expect(await cached.get(service, `key:${id}`)).toBeNull();
  });

  it('keeps neither “not found” nor a failure: a secret stored or an Allow given later counts at once', async () => {
    expect(await cached.get(service, 'b')).toBeNull();
    await keychain.set(service, 'b', 'stored elsewhere');
    expect(await cached.get(service, 'b')).toBe('stored elsewhere');

    await keychain.set(service, 'a', 'secret a');
    keychain.denials = 1;
    await expect(cached.get(service, 'a')).rejects.toBeInstanceOf(KeychainUnavailable);
    expect(await cached.get(service, 'a')).toBe('secret a');
    expect(await cached.get(service, 'a')).toBe('secret a');
    expect(keychain.reads).toEqual(['b', 'b', 'a', 'a']);
  });

  it('keeps secrets apart by service and account', async () => {
    await keychain.set(service, 'a', 'one');
    await keychain.set(service, 'b', 'two');
    const other = uniqueService();
    expect([
      await cached.get(service, 'a'),
      await cached.get(service, 'b'),
      await cached.get(other, 'a'),
    ]).toEqual(['one', 'two', null]);
  });
});
