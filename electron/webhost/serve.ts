import type { Sandbox, SandboxReady } from '@enscale-ssh/gateway';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretsHome } from '../../shared/src/settings.ts';
import { Core } from '../core/Core.ts';
import { throwawayProfileSecrets } from '../core/keys/keychainFallback.ts';
import { KeyVault } from '../core/keys/KeyVault.ts';
import { KeytarSecretStore } from '../core/keys/secretStore.ts';
import { sandboxProfile } from '../core/platform/sandboxProfile.ts';
import type { WebHostCommandLine } from './options.ts';
import { WebHost } from './WebHost.ts';

export interface RunningWebHost {
  readonly url: string;
  readonly dataDir: string;
  readonly temporaryProfile: boolean;
  /** The sandbox's ready object, or null without `--sandbox`. */
  readonly sandbox: SandboxReady | null;
  /** Memory when a temporary profile found no keychain: its secrets die with the process. */
  readonly secrets: SecretsHome;
  stop(): Promise<void>;
}

/**
 * Starts the core on its profile, the sandbox when asked, and the web host in front of the core.
 * Whatever started is stopped again if a later step fails.
 */
export async function serve(options: WebHostCommandLine, keychainService?: string): Promise<RunningWebHost> {
  const temporaryProfile = options.profile === undefined;
  const dataDir = options.profile ?? (await mkdtemp(join(tmpdir(), 'enscale-web-')));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const service = keychainService ?? KeyVault.DEFAULT_SERVICE;
  // A temporary profile may keep its secrets in memory when no keychain answers: both end with the
  // process. A folder given with --profile outlives it, so its secrets go to the keychain or nowhere.
  const { secrets, home } = temporaryProfile
    ? await throwawayProfileSecrets(new KeytarSecretStore(), service)
    : { secrets: new KeytarSecretStore(), home: 'keychain' as const };
  // The SSH agent follows Settings → SSH agent; its socket is in this profile's folder.
  const core = new Core({
    dataDir,
    interactive: true,
    keychainService: service,
    secrets,
    secretsHome: home,
    agent: 'settings',
  });
  let sandbox: Sandbox | undefined;
  let web: WebHost | undefined;

  const stop = async () => {
    await web?.close();
    core.close();
    // The keychain outlives the folder: a temporary profile takes its entries along.
    if (temporaryProfile) await forgetSecrets(core);
    await sandbox?.stop();
    if (temporaryProfile) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    if (options.sandbox) {
      // Loaded only when asked for: it brings the platform's servers and their dependencies.
      const { Sandbox, SANDBOX_ENVIRONMENT_CHANGE_MS } = await import('@enscale-ssh/gateway');
      sandbox = await Sandbox.start({
        apiPort: 0,
        gatewayPort: 0,
        environmentChangeMs: SANDBOX_ENVIRONMENT_CHANGE_MS,
      });
      await core.platform.offerPreset(sandboxProfile(sandbox.ready));
    }
    web = await WebHost.start({
      services: core.exposed(),
      staticDir: options.staticDir,
      port: options.port,
      stagingDir: join(dataDir, 'staging'),
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    url: web.url,
    dataDir,
    temporaryProfile,
    sandbox: sandbox?.ready ?? null,
    secrets: home,
    stop,
  };
}

/** Deletes the profile's keys (and so their keychain entries) and its session; best effort. */
async function forgetSecrets(core: Core): Promise<void> {
  try {
    for (const key of await core.keys.list()) await core.keys.delete(key.id).catch(() => undefined);
    await core.platform.signOut();
  } catch {
    // No keychain, no entries to forget.
  }
}
