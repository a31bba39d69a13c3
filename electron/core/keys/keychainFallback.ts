import type { SecretsHome } from '../../../shared/src/settings.ts';
import { KeychainUnavailable } from './errors.ts';
import { MemorySecretStore } from './memorySecretStore.ts';
import type { SecretStore } from './secretStore.ts';

/** The entry the probe reads: it never exists, so reading it asks the keychain and nothing more. */
const PROBE_ACCOUNT = 'keychain-probe';

interface Choice {
  store: SecretStore;
  home: SecretsHome;
}

/**
 * The keychain when one answers, process memory when none does. The keychain is asked once — on
 * `home()` or on the first secret — so a run that needs no secret never even loads it.
 */
export class KeychainOrMemory implements SecretStore {
  #choice: Promise<Choice> | undefined;

  constructor(
    private readonly keychain: SecretStore,
    private readonly service: string,
    /** The store to use instead, given why the keychain could not be reached. */
    private readonly memory: (unavailable: KeychainUnavailable) => SecretStore,
  ) {}

  /** Where the secrets are kept: probes the keychain if nothing has yet. */
  async home(): Promise<SecretsHome> {
    return (await this.#choose()).home;
  }

  async get(service: string, account: string): Promise<string | null> {
    return (await this.#choose()).store.get(service, account);
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    await (await this.#choose()).store.set(service, account, secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    return (await this.#choose()).store.delete(service, account);
  }

  #choose(): Promise<Choice> {
    this.#choice ??= this.keychain.get(this.service, PROBE_ACCOUNT).then(
      (): Choice => ({ store: this.keychain, home: 'keychain' }),
      (error: unknown): Choice => {
        // Anything but "no keychain here" is a fault to report, not a reason to keep secrets elsewhere.
        if (!(error instanceof KeychainUnavailable)) throw error;
        return { store: this.memory(error), home: 'memory' };
      },
    );
    return this.#choice;
  }
}

/**
 * A throwaway profile (the browser host without `--profile`) dies with the process; with no keychain
 * its secrets can do the same, in memory. Probes the keychain now, so the host can say where they are.
 */
export async function throwawayProfileSecrets(
  keychain: SecretStore,
  service: string,
): Promise<{ secrets: SecretStore; home: SecretsHome }> {
  const secrets = new KeychainOrMemory(keychain, service, () => new MemorySecretStore());
  return { secrets, home: await secrets.home() };
}

/**
 * A script's run that brings its own key (`--identity`) or token (`ENSCALE_SSH_TOKEN`) on a machine
 * with no keychain: nothing needs storing, so reads find nothing. The profile is a persistent one,
 * though, so storing a secret (a new key, a password sign-in) still fails closed with the keychain's
 * own error: it would be gone on the next run while the profile still named it.
 */
export function scriptSecrets(keychain: SecretStore, service: string): KeychainOrMemory {
  return new KeychainOrMemory(
    keychain,
    service,
    (unavailable) => new MemorySecretStore({ refuseWrites: () => unavailable }),
  );
}
