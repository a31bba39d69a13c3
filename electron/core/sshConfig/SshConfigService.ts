import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInput, NodeNotFound, SignedOut } from '../../../shared/src/errors.ts';
import type { Environment } from '../../../shared/src/platform.ts';
import type { PlatformApi } from '../../../shared/src/platformService.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type {
  SshConfigApi,
  SshConfigEvents,
  SshConfigScope,
  SshConfigStatus,
} from '../../../shared/src/sshConfig.ts';
import { writeFileAtomic } from '../storage/atomicFile.ts';
import { writeGatewayKnownHosts, type GatewayKeyOptions } from './gatewayHostKey.ts';
import { hasInclude, withInclude, withoutInclude } from './includeLine.ts';
import { sshConfigText, type ConfigNode, type ConfigPlatform } from './sshConfigText.ts';
import { readUserConfig, sshFolder, userConfigPath, writeUserConfig } from './userConfigFile.ts';

/** The app's file beside the user's config: `Include enscale-ssh.config` then needs no path. */
export const APP_CONFIG_NAME = 'enscale-ssh.config';

export interface SshConfigServiceOptions {
  /** The profile: the known_hosts for ssh goes in `<dataDir>/ssh/`. */
  dataDir: string;
  /** The user's home folder, whose .ssh OpenSSH reads (tests give a temp folder). */
  home: string;
  platform: ConfigPlatform;
  platformService: Pick<PlatformApi, 'current' | 'environments' | 'events'>;
  /** HostKeys' known_hosts, holding the keys the user trusted in the app. */
  appKnownHosts: string;
  /** The app's agent (`agentSocketPath`), named in each entry whether or not it runs yet. */
  agentSocket: string;
  probe?: GatewayKeyOptions['probe'];
  /** Whether to rewrite the installed file as the environment list changes (a long-running process). */
  follow: boolean;
}

const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

function nodesOf(environments: readonly Environment[], uid: number): ConfigNode[] {
  return environments.flatMap((env) =>
    env.nodes.map((node) => ({
      envName: env.envName,
      nodeId: node.id,
      label: node.displayName || node.nodeType,
      uid,
    })),
  );
}

function inScope(environments: readonly Environment[], scope: SshConfigScope): Environment[] {
  if (scope.kind === 'all') return [...environments];
  if (scope.kind === 'environment') {
    const env = environments.find((candidate) => candidate.envName === scope.name);
    if (!env)
      throw new NodeNotFound(
        `No environment '${scope.name}' in your account; yours are: ${environments.map((e) => e.envName).join(', ') || 'none'}.`,
      );
    return [env];
  }
  const env = environments.find((candidate) => candidate.nodes.some((node) => node.id === scope.nodeId));
  if (!env) throw new NodeNotFound(`No node ${scope.nodeId} in your environments.`, { nodeId: scope.nodeId });
  return [{ ...env, nodes: env.nodes.filter((node) => node.id === scope.nodeId) }];
}

/**
 * ssh config for the account's nodes: as text to copy, and as a file of the app's that the user's
 * ~/.ssh/config includes, rewritten whenever the environment list changes while it is included.
 */
export class SshConfigService implements SshConfigApi {
  readonly events = new Emitter<SshConfigEvents>();
  /** One change at a time: an environments event must not race an install's write. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SshConfigServiceOptions) {
    if (!options.follow) return;
    options.platformService.events.on('environments', ({ environments }) => {
      // Kept current only once installed; a failure (gateway unreachable) leaves the last good file.
      void this.serial(() => this.follow(environments)).catch(() => undefined);
    });
  }

  get file(): string {
    return join(sshFolder(this.options.home), APP_CONFIG_NAME);
  }

  get knownHosts(): string {
    return join(this.options.dataDir, 'ssh', 'known_hosts');
  }

  async text(scope: SshConfigScope): Promise<string> {
    const { environments } = await this.options.platformService.environments();
    return this.render(inScope(environments, scope), 'copy');
  }

  install(): Promise<SshConfigStatus> {
    return this.serial(async () => {
      const { environments } = await this.options.platformService.environments();
      // The file first, so the Include never names a file that is not there yet.
      await this.writeFile(environments);
      const next = withInclude(await readUserConfig(this.options.home), APP_CONFIG_NAME);
      if (next !== undefined) await writeUserConfig(this.options.home, next);
      return this.announce();
    });
  }

  uninstall(): Promise<SshConfigStatus> {
    return this.serial(async () => {
      const next = withoutInclude(await readUserConfig(this.options.home), APP_CONFIG_NAME);
      if (next !== undefined) await writeUserConfig(this.options.home, next);
      await rm(this.file, { force: true });
      return this.announce();
    });
  }

  async status(): Promise<SshConfigStatus> {
    let hosts = 0;
    try {
      hosts = (await readFile(this.file, 'utf8')).split('\n').filter((line) => /^Host /.test(line)).length;
    } catch (error) {
      if (!missing(error)) throw error;
    }
    return {
      installed: hasInclude(await readUserConfig(this.options.home), APP_CONFIG_NAME),
      file: this.file,
      userConfig: userConfigPath(this.options.home),
      knownHosts: this.knownHosts,
      hosts,
    };
  }

  private async follow(environments: readonly Environment[]): Promise<void> {
    if (!hasInclude(await readUserConfig(this.options.home), APP_CONFIG_NAME)) return;
    if (await this.writeFile(environments)) await this.announce();
  }

  /** Writes the app's file when its text changed; answers whether it did. */
  private async writeFile(environments: readonly Environment[]): Promise<boolean> {
    const text = await this.render(environments, 'file');
    const current = await readFile(this.file, 'utf8').catch((error: unknown) => {
      if (missing(error)) return undefined;
      throw error;
    });
    if (current === text) return false;
    await writeFileAtomic(this.file, text, 0o600);
    return true;
  }

  private async render(environments: readonly Environment[], purpose: 'file' | 'copy'): Promise<string> {
    const { profile, account } = await this.options.platformService.current();
    if (!profile) throw new InvalidInput('Choose a platform first (Sandbox, Enscale or Custom).');
    if (!account) throw new SignedOut('Sign in first: each entry names your account on the node.');
    await writeGatewayKnownHosts({
      gateway: profile.gateway,
      ...(profile.gatewayKey ? { pinned: profile.gatewayKey } : {}),
      appKnownHosts: this.options.appKnownHosts,
      sshKnownHosts: this.knownHosts,
      ...(this.options.probe ? { probe: this.options.probe } : {}),
    });
    return sshConfigText({
      nodes: nodesOf(environments, account.uid),
      gateway: profile.gateway,
      agentSocket: this.options.agentSocket,
      knownHostsFile: this.knownHosts,
      platform: this.options.platform,
      purpose,
    });
  }

  private async announce(): Promise<SshConfigStatus> {
    const status = await this.status();
    this.events.emit('status', status);
    return status;
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
