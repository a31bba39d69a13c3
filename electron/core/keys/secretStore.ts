import { keychainFailure, keychainUnavailable, SecretTooLarge } from './errors.ts';

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
export interface Keytar {
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
  readonly #platform: NodeJS.Platform;
  readonly #importKeytar: () => Promise<Keytar>;

  constructor(
    options: {
      /** Whose advice the errors give; this machine's by default. */
      platform?: NodeJS.Platform;
      /** keytar itself by default; tests give macOS's answers, which this Linux CI cannot produce. */
      keytar?: () => Promise<Keytar>;
    } = {},
  ) {
    this.#platform = options.platform ?? process.platform;
    this.#importKeytar = options.keytar ?? (() => import('keytar').then((module): Keytar => module.default));
  }

  async get(service: string, account: string): Promise<string | null> {
    const keytar = await this.#load();
    return this.#call('read a secret', () => keytar.getPassword(service, account));
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    const keytar = await this.#load();
    await this.#call('store a secret', () => keytar.setPassword(service, account, secret));
  }

  async delete(service: string, account: string): Promise<boolean> {
    const keytar = await this.#load();
    return this.#call('delete a secret', () => keytar.deletePassword(service, account));
  }

  /** keytar is a native module: loaded on first use, so a broken build is a clear error, not a crash at start. */
  async #load(): Promise<Keytar> {
    this.#keytar ??= this.#importKeytar();
    try {
      return await this.#keytar;
    } catch (error) {
      this.#keytar = undefined;
      throw keychainUnavailable(`keytar's native module did not load: ${messageOf(error)}`, this.#platform);
    }
  }

  async #call<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw keychainFailure(what, error, this.#platform);
    }
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

/**
 * Keeps each secret the keychain answered for the life of the process, so the keychain is asked once
 * per secret rather than on every connection. An app that is not signed (or was re-signed) makes macOS
 * ask the user on every read, so without this each new tab or transfer brought up the prompt again.
 * What is held is what the core process holds anyway while it connects (the keys' data keys, the
 * session); it goes when the process does. Changes made here drop the entry: a `set` or `delete`
 * through this store is seen by the next read. A change made by another process (the CLI on the same
 * profile) is seen after a restart, or when the session it replaced is refused.
 */
export class CachedSecretStore implements SecretStore {
  readonly #answers = new Map<string, Promise<string | null>>();

  constructor(private readonly inner: SecretStore) {}

  /** Concurrent reads of one secret share one keychain read (and so one prompt). */
  get(service: string, account: string): Promise<string | null> {
    const key = entry(service, account);
    const held = this.#answers.get(key);
    if (held) return held;
    const answer = this.inner.get(service, account);
    this.#answers.set(key, answer);
    // Nothing found, or a failure (a Deny, a locked keychain), is asked again next time: the user may
    // unlock or allow in between, and that must count without a restart.
    const forget = () => {
      if (this.#answers.get(key) === answer) this.#answers.delete(key);
    };
    answer.then((secret) => {
      if (secret === null) forget();
    }, forget);
    return answer;
  }

  /**
   * Not cached on the way in: the vault reads a secret back after storing it, to prove the keychain
   * kept it, and that read must reach the keychain. Dropped before and after, so a read that ran
   * during the write is not kept either.
   */
  async set(service: string, account: string, secret: string): Promise<void> {
    const key = entry(service, account);
    this.#answers.delete(key);
    try {
      await this.inner.set(service, account, secret);
    } finally {
      this.#answers.delete(key);
    }
  }

  async delete(service: string, account: string): Promise<boolean> {
    const key = entry(service, account);
    this.#answers.delete(key);
    try {
      return await this.inner.delete(service, account);
    } finally {
      this.#answers.delete(key);
    }
  }
}

function entry(service: string, account: string): string {
  return JSON.stringify([service, account]);
}

/** The OS keychain, with Windows' size cap enforced on every platform when `enforceWindowsCap` is set. */
export function osSecretStore(options: { enforceWindowsCap?: boolean } = {}): SecretStore {
  const store = new KeytarSecretStore();
  return options.enforceWindowsCap ? new CappedSecretStore(store) : store;
}
