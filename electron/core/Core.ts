import { AgentControl, type AgentRun } from './agent/AgentControl.ts';
import type { AgentService } from './agent/AgentService.ts';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CORE_METHODS, type CoreContract } from '../../shared/src/contract.ts';
import type { KeyInfo } from '../../shared/src/keys.ts';
import { gatewayKeyTypes } from '../../shared/src/platform.ts';
import { expose, type Exposed } from '../../shared/src/rpc/RpcHost.ts';
import { CORE_ARGS } from '../../shared/src/rpc/schemas/index.ts';
import type { SecretsHome } from '../../shared/src/settings.ts';
import { DatabaseService } from './databases/DatabaseService.ts';
import { EditService } from './edits/EditService.ts';
import { ExecSessions } from './exec/ExecSessions.ts';
import { commandsOver } from './exec/RemoteCommands.ts';
import { KeyNotFound } from './keys/errors.ts';
import { KeyVault } from './keys/KeyVault.ts';
import { LocalFolders } from './localFolders/LocalFolders.ts';
import { CachedSecretStore, KeytarSecretStore, type SecretStore } from './keys/secretStore.ts';
import { PlatformService } from './platform/PlatformService.ts';
import { SettingsService } from './settings/SettingsService.ts';
import { FilesService } from './sftp/FilesService.ts';
import { GatewayConnections } from './ssh/GatewayConnections.ts';
import { GatewayIdentities, givenIdentities } from './ssh/gatewayIdentities.ts';
import { GatewaySftp } from './ssh/GatewaySftp.ts';
import { HostKeys } from './ssh/HostKeys.ts';
import { SshConfigService } from './sshConfig/SshConfigService.ts';
import { agentPlatform, hostRoutes, type AgentPlatform } from './hosts/hostRoutes.ts';
import { HostStore } from './hosts/HostStore.ts';
import { importGateway } from './imports/importGateway.ts';
import { ImportService } from './imports/ImportService.ts';
import { runProcess } from './imports/windowsRegistry.ts';
import { JsonFile } from './storage/JsonFile.ts';
import { systemOpenPath, type OpenPath } from './system/openPath.ts';
import { LocalTerminals } from './terminals/LocalTerminals.ts';
import { SessionLogs } from './terminals/sessionLog/SessionLogs.ts';
import { TerminalSessions } from './terminals/TerminalSessions.ts';
import { followTransferSettings } from './transfers/followSettings.ts';
import { TransferEngine } from './transfers/TransferEngine.ts';
import { TunnelService } from './tunnels/TunnelService.ts';

export interface CoreOptions {
  /** The app's data folder (a profile): keys, known_hosts, settings, caches. */
  dataDir: string;
  /** The OS keychain by default; tests may cap it like Windows' Credential Manager. */
  secrets?: SecretStore;
  /** Whether host-key questions can be asked (a window) or must fail (the CLI, scripts). */
  interactive: boolean;
  /** The keychain's service name; each test run uses its own. */
  keychainService?: string;
  /** Where the host writes its logs, for the About section; `<dataDir>/logs` by default. */
  logDir?: string;
  /** The app's version when the host knows it (Electron's `app.getVersion()`). */
  appVersion?: string;
  /** Where the host put `secrets`: memory for a throwaway profile with no keychain (About says so). */
  secretsHome?: SecretsHome;
  /**
   * Keys given for this run only (the CLI's `--identity FILE`), as unencrypted private-key text: the
   * gateway is offered exactly these instead of the vault's, and they are never stored.
   */
  identities?: readonly { name: string; privateKey: string }[];
  /** An access token from the process environment (`ENSCALE_SSH_TOKEN`): signs this run in, never stored. */
  environmentToken?: string;
  /**
   * Opens a local file with its type's application, or a folder in the file manager: Electron's
   * `shell.openPath` on the desktop; the OS's opener (`open`, `explorer.exe`, `xdg-open`) otherwise.
   */
  openPath?: OpenPath;
  /**
   * Whether this process serves the SSH agent socket: `'settings'` follows Settings → SSH agent (the
   * desktop app, the browser host); `{ confirm }` runs it until `close()` (`enscale-ssh agent`). Left
   * out, nothing listens: tests and the other CLI commands do not all bind the profile's socket.
   */
  agent?: AgentRun;
  /** The OS whose conventions apply (the user's SSH agent); the running one by default. */
  osPlatform?: AgentPlatform;
  /** The user's home folder, whose ~/.ssh/config "Write to ~/.ssh/config" edits; os.homedir() by default. */
  homeDir?: string;
}

interface DeviceSettings {
  /** The vault key offered to the gateway first; the other keys follow, newest first. */
  activeKeyId?: string;
}

/**
 * The app's services, built once per process from a data folder and wired to each other. Hosts
 * (Electron's utility process, the browser host, the CLI) serve `exposed()` over the RPC.
 */
export class Core {
  readonly keys: KeyVault;
  readonly platform: PlatformService;
  readonly hostKeys: HostKeys;
  readonly connections: GatewayConnections;
  readonly terminals: TerminalSessions;
  readonly exec: ExecSessions;
  readonly localTerminals: LocalTerminals;
  readonly files: FilesService;
  readonly transfers: TransferEngine;
  readonly tunnels: TunnelService;
  readonly databases: DatabaseService;
  readonly settings: SettingsService;
  readonly localFolders: LocalFolders;
  readonly edits: EditService;
  /** The SSH agent's socket service (its contract side is `exposed().agent`). */
  readonly agent: AgentService;
  private readonly agentControl: AgentControl;
  /** Saved plain hosts and node shortcuts. */
  readonly hosts: HostStore;
  /** ssh config entries for the nodes, and the Include in ~/.ssh/config. */
  readonly sshConfig: SshConfigService;
  /** PuTTY/KiTTY sessions and ssh config hosts imported as hosts and node shortcuts. */
  readonly imports: ImportService;
  /** Opens a local file or folder with the OS (for "Edit" and "Open log folder"). */
  readonly openPath: OpenPath;
  private readonly device: JsonFile<DeviceSettings>;
  private readonly gatewayKeys: GatewayIdentities;

  constructor(options: CoreOptions) {
    this.openPath = options.openPath ?? systemOpenPath();
    // Each secret read from the keychain once per process: macOS may ask the user on every read.
    const secrets = options.secrets ?? new CachedSecretStore(new KeytarSecretStore());
    const service = options.keychainService ?? 'Enscale SSH';
    this.device = new JsonFile(join(options.dataDir, 'device.json'), {});
    this.settings = new SettingsService({
      dataDir: options.dataDir,
      ...(options.logDir ? { logDir: options.logDir } : {}),
      ...(options.appVersion ? { appVersion: options.appVersion } : {}),
      ...(options.secretsHome ? { secrets: options.secretsHome } : {}),
    });
    const settings = this.settings;
    this.localFolders = new LocalFolders({
      remembered: async (kind) => (await settings.get()).folders[kind],
    });
    this.keys = new KeyVault({
      dataDir: options.dataDir,
      secrets,
      service,
      gatewayPolicy: async () => {
        const { profile } = await this.platform.current();
        return { keyTypes: gatewayKeyTypes(profile), ...(profile ? { platform: profile.label } : {}) };
      },
    });
    this.platform = new PlatformService({
      dataDir: options.dataDir,
      secrets,
      keys: this.keys,
      keychainService: service,
      ...(options.environmentToken !== undefined ? { environmentToken: options.environmentToken } : {}),
    });
    this.hostKeys = new HostKeys(join(options.dataDir, 'known_hosts'));
    this.hosts = new HostStore({
      dataDir: options.dataDir,
      keyExists: async (id) => (await this.keys.list()).some((key) => key.id === id),
    });
    this.gatewayKeys = new GatewayIdentities({
      vault: this.keys,
      platform: this.platform,
      chosenKeyId: async () => (await this.device.read()).activeKeyId,
    });
    const given = options.identities;
    this.connections = new GatewayConnections({
      hostKeys: this.hostKeys,
      interactive: options.interactive,
      identity: async () => {
        // The keepalive below is read after this resolves: the stored settings are in by then.
        await settings.ready();
        // `--identity` keys are offered as given: the vault and the dashboard are not consulted.
        return given ? givenIdentities(given) : this.gatewayKeys.identities();
      },
      // A getter: GatewayConnections reads it for each new connection, so a changed setting applies
      // to the next connection without touching the open ones.
      get keepaliveIntervalMs() {
        return settings.current().connection.keepaliveSeconds * 1000;
      },
      // A fingerprint pinned without its key type: the type found is kept in the profile.
      pinLearned: (pin) => void this.platform.learnGatewayKeyType(pin).catch(() => undefined),
      plainHosts: hostRoutes({
        store: this.hosts,
        vault: this.keys,
        platform: options.osPlatform ?? agentPlatform(process.platform),
        env: process.env,
      }),
    });
    // After a refusal the dashboard may have changed (a key synced meanwhile): read it afresh next time.
    this.connections.events.on('state', ({ state }) => {
      if (state === 'failed') this.gatewayKeys.forget();
    });
    // Session logs (Settings → Terminal), for gateway and local terminals alike.
    const logs = new SessionLogs({ dataDir: options.dataDir, settings, openPath: this.openPath });
    this.terminals = new TerminalSessions(this.connections, { logs });
    this.exec = new ExecSessions(this.connections);
    this.localTerminals = new LocalTerminals({
      shellSetting: () => settings.current().terminal.localShell,
      logs,
    });
    const sftp = new GatewaySftp(this.connections);
    this.files = new FilesService(sftp);
    // Exec channels let a new folder go up as one tar stream (transfers/folderStream.ts).
    this.transfers = new TransferEngine(sftp, {
      concurrency: settings.current().transfers.concurrency,
      commands: commandsOver(this.connections),
    });
    this.tunnels = new TunnelService(this.connections);
    // Signed out (by the user, or the session ended): the account's forwarded ports close too.
    this.platform.events.on('signedOut', () => this.tunnels.closeAll());
    followTransferSettings(this.transfers, settings);
    this.edits = new EditService({
      sftp,
      dataDir: options.dataDir,
      editorCommand: async () => (await settings.get()).editor.command,
      openPath: this.openPath,
    });
    this.agentControl = new AgentControl({
      place: { platform: process.platform, dataDir: options.dataDir },
      vault: this.keys,
      settings,
      ...(options.agent ? { run: options.agent } : {}),
      logger: (line) => process.stderr.write(`${line}\n`),
    });
    this.agent = this.agentControl.service;
    this.sshConfig = new SshConfigService({
      dataDir: options.dataDir,
      home: options.homeDir ?? homedir(),
      platform: options.osPlatform ?? agentPlatform(process.platform),
      platformService: this.platform,
      appKnownHosts: join(options.dataDir, 'known_hosts'),
      // The socket the agent serves (agentSocketPath's), named whether or not it runs yet.
      agentSocket: this.agent.socketPath,
      // A window's process lives on and follows the list; a CLI run exits right after its command
      // (process.exit), which could cut a rewrite short and leave its temp file in ~/.ssh.
      follow: options.interactive,
    });
    this.imports = new ImportService({
      hosts: this.hosts,
      keys: this.keys,
      gateway: async () => importGateway((await this.platform.current()).profile),
      platform: options.osPlatform ?? agentPlatform(process.platform),
      home: options.homeDir ?? homedir(),
      localUser: userInfo().username,
      runProcess,
      tempDir: tmpdir(),
    });
    this.databases = new DatabaseService({
      connections: this.connections,
      secrets,
      keychainService: service,
    });
  }

  /** The vault key the gateway is offered first (the chosen one if allowed, else the newest on the dashboard). */
  async activeKeyId(): Promise<string | undefined> {
    return (await this.gatewayKeys.choose()).choice.offered[0]?.id;
  }

  /**
   * Chooses the key offered to the gateway first. A key of a type the gateway refuses is kept as the
   * choice but never offered: the answer's `warning` says so, so it is never chosen silently.
   */
  async setActiveKey(id: string): Promise<{ key: KeyInfo; warning?: string }> {
    await this.keys.get(id);
    await this.device.update((device) => ({ ...device, activeKeyId: id }));
    const key = (await this.keys.list()).find((k) => k.id === id);
    if (!key) throw new KeyNotFound(id);
    if (!key.warning) return { key };
    return {
      key,
      warning: `${key.warning} The gateway is offered your other keys until you choose one it accepts.`,
    };
  }

  /** Every service with the methods its contract lets the far side call, and their argument schemas. */
  exposed(): Record<keyof CoreContract, Exposed> {
    return {
      keys: expose(this.keys, CORE_METHODS.keys, CORE_ARGS.keys),
      platform: expose(this.platform, CORE_METHODS.platform, CORE_ARGS.platform),
      hostKeys: expose(this.hostKeys, CORE_METHODS.hostKeys, CORE_ARGS.hostKeys),
      connections: expose(this.connections, CORE_METHODS.connections, CORE_ARGS.connections),
      terminals: expose(this.terminals, CORE_METHODS.terminals, CORE_ARGS.terminals),
      exec: expose(this.exec, CORE_METHODS.exec, CORE_ARGS.exec),
      localTerminals: expose(this.localTerminals, CORE_METHODS.localTerminals, CORE_ARGS.localTerminals),
      files: expose(this.files, CORE_METHODS.files, CORE_ARGS.files),
      transfers: expose(this.transfers, CORE_METHODS.transfers, CORE_ARGS.transfers),
      tunnels: expose(this.tunnels, CORE_METHODS.tunnels, CORE_ARGS.tunnels),
      databases: expose(this.databases, CORE_METHODS.databases, CORE_ARGS.databases),
      settings: expose(this.settings, CORE_METHODS.settings, CORE_ARGS.settings),
      localFolders: expose(this.localFolders, CORE_METHODS.localFolders, CORE_ARGS.localFolders),
      edits: expose(this.edits, CORE_METHODS.edits, CORE_ARGS.edits),
      agent: expose(this.agentControl, CORE_METHODS.agent, CORE_ARGS.agent),
      hosts: expose(this.hosts, CORE_METHODS.hosts, CORE_ARGS.hosts),
      sshConfig: expose(this.sshConfig, CORE_METHODS.sshConfig, CORE_ARGS.sshConfig),
      imports: expose(this.imports, CORE_METHODS.imports, CORE_ARGS.imports),
    };
  }

  /**
   * Open terminal tabs (gateway and local), unfinished transfers and working tunnels: what a closing
   * window would end.
   */
  activity(): { terminals: number; transfers: number; tunnels: number; edits: number } {
    return {
      edits: this.edits.openCount(),
      terminals: this.terminals.openCount() + this.localTerminals.openCount(),
      transfers: this.transfers.activeCount(),
      tunnels: this.tunnels.openCount(),
    };
  }

  close(): void {
    // Before the connections go: no save starts uploading into a closing connection.
    this.edits.closeAll();
    // The socket file goes with the process: a client finds no agent rather than a dead socket.
    this.agentControl.close();
    this.localTerminals.closeAll();
    this.tunnels.closeAll();
    this.connections.closeAll();
  }
}
