import type { SecretStore } from './secretStore.ts';

export interface MemorySecretStoreOptions {
  /**
   * For a profile that outlives the process: a secret kept here would be gone on the next run while
   * the profile still names it (a key in the index, a signed-in account), so `set` fails with this
   * error instead — the keychain's own, as when there is no fallback at all.
   */
  refuseWrites?: () => Error;
}

/**
 * Secrets in this process's memory and nowhere else: never written to disk, gone when the process
 * ends. For a profile that ends with the process (a throwaway one) on a machine with no keychain, and
 * for a script's single run that brings its own key and token.
 */
export class MemorySecretStore implements SecretStore {
  readonly #secrets = new Map<string, string>();

  constructor(private readonly options: MemorySecretStoreOptions = {}) {}

  async get(service: string, account: string): Promise<string | null> {
    return this.#secrets.get(entry(service, account)) ?? null;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    if (this.options.refuseWrites) throw this.options.refuseWrites();
    this.#secrets.set(entry(service, account), secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    return this.#secrets.delete(entry(service, account));
  }
}

// JSON keeps a service and an account apart whatever characters they hold.
const entry = (service: string, account: string): string => JSON.stringify([service, account]);
