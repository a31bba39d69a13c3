import { keychainUnavailable, SecretTooLarge } from './errors.ts';

/** The OS keychain, reduced to what the vault needs. Errors reaching the keychain are `KeychainUnavailable`. */
export interface SecretStore {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** True when there was a secret to delete. */
  delete(service: string, account: string): Promise<boolean>;
}

/** Windows' Credential Manager refuses a credential blob over 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE). */
export const WINDOWS_SECRET_CAP = 2560;

/** The part of keytar the store uses. */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * The production store: keytar, i.e. macOS Keychain, Windows Credential Manager, or the Secret Service
 * (gnome-keyring, KWallet, KeePassXC) on Linux. Any failure of the keychain itself — no Secret Service on
 * the session bus, a locked collection, a dismissed prompt — becomes `KeychainUnavailable`.
 */
export class KeytarSecretStore implements SecretStore {
  #keytar: Promise<Keytar> | undefined;

  async get(service: string, account: string): Promise<string | null> {
    const keytar = await this.#load();
    return call('read a secret', () => keytar.getPassword(service, account));
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    const keytar = await this.#load();
    await call('store a secret', () => keytar.setPassword(service, account, secret));
  }

  async delete(service: string, account: string): Promise<boolean> {
    const keytar = await this.#load();
    return call('delete a secret', () => keytar.deletePassword(service, account));
  }

  /** keytar is a native module: loaded on first use, so a broken build is a clear error, not a crash at start. */
  async #load(): Promise<Keytar> {
    this.#keytar ??= import('keytar').then((module): Keytar => module.default);
    try {
      return await this.#keytar;
    } catch (error) {
      this.#keytar = undefined;
      throw keychainUnavailable(`keytar's native module did not load: ${messageOf(error)}`);
    }
  }
}

async function call<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw keychainUnavailable(`could not ${what}: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Refuses secrets over `capBytes` (UTF-8, as keytar stores them) the way Windows does, on every platform —
 * so tests on Linux prove the vault never needs more, and a build can opt into the same limit everywhere.
 */
export class CappedSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    readonly capBytes: number = WINDOWS_SECRET_CAP,
  ) {}

  get(service: string, account: string): Promise<string | null> {
    return this.inner.get(service, account);
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes > this.capBytes) throw new SecretTooLarge(bytes, this.capBytes);
    await this.inner.set(service, account, secret);
  }

  delete(service: string, account: string): Promise<boolean> {
    return this.inner.delete(service, account);
  }
}

/** The OS keychain, with Windows' size cap enforced on every platform when `enforceWindowsCap` is set. */
export function osSecretStore(options: { enforceWindowsCap?: boolean } = {}): SecretStore {
  const store = new KeytarSecretStore();
  return options.enforceWindowsCap ? new CappedSecretStore(store) : store;
}
