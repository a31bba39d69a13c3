import { join } from 'node:path';
import { CORE_METHODS, type CoreContract } from '../../shared/src/contract.ts';
import { AuthenticationFailed } from '../../shared/src/errors.ts';
import { expose, type Exposed } from '../../shared/src/rpc/RpcHost.ts';
import { DatabaseService } from './databases/DatabaseService.ts';
import { ExecSessions } from './exec/ExecSessions.ts';
import { KeyVault } from './keys/KeyVault.ts';
import { KeytarSecretStore, type SecretStore } from './keys/secretStore.ts';
import { PlatformService } from './platform/PlatformService.ts';
import { SettingsService } from './settings/SettingsService.ts';
import { FilesService } from './sftp/FilesService.ts';
import { GatewayConnections } from './ssh/GatewayConnections.ts';
import { GatewaySftp } from './ssh/GatewaySftp.ts';
import { HostKeys } from './ssh/HostKeys.ts';
import { JsonFile } from './storage/JsonFile.ts';
import { LocalTerminals } from './terminals/LocalTerminals.ts';
import { TerminalSessions } from './terminals/TerminalSessions.ts';
import { followTransferSettings } from './transfers/followSettings.ts';
import { TransferEngine } from './transfers/TransferEngine.ts';

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
}

interface DeviceSettings {
  /** The vault key that signs in to the gateway; the newest key when unset. */
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
  readonly databases: DatabaseService;
  readonly settings: SettingsService;
  private readonly device: JsonFile<DeviceSettings>;

  constructor(options: CoreOptions) {
    const secrets = options.secrets ?? new KeytarSecretStore();
    const service = options.keychainService ?? 'Enscale SSH';
    this.device = new JsonFile(join(options.dataDir, 'device.json'), {});
    this.settings = new SettingsService({
      dataDir: options.dataDir,
      ...(options.logDir ? { logDir: options.logDir } : {}),
      ...(options.appVersion ? { appVersion: options.appVersion } : {}),
    });
    const settings = this.settings;
    this.keys = new KeyVault({ dataDir: options.dataDir, secrets, service });
    this.platform = new PlatformService({
      dataDir: options.dataDir,
      secrets,
      keys: this.keys,
      keychainService: service,
    });
    this.hostKeys = new HostKeys(join(options.dataDir, 'known_hosts'));
    this.connections = new GatewayConnections({
      hostKeys: this.hostKeys,
      interactive: options.interactive,
      identity: async () => {
        // The keepalive below is read after this resolves: the stored settings are in by then.
        await settings.ready();
        return { privateKey: await this.keys.privateKeyFor(await this.activeKeyId()) };
      },
      // A getter: GatewayConnections reads it for each new connection, so a changed setting applies
      // to the next connection without touching the open ones.
      get keepaliveIntervalMs() {
        return settings.current().connection.keepaliveSeconds * 1000;
      },
    });
    this.terminals = new TerminalSessions(this.connections);
    this.exec = new ExecSessions(this.connections);
    this.localTerminals = new LocalTerminals();
    const sftp = new GatewaySftp(this.connections);
    this.files = new FilesService(sftp);
    this.transfers = new TransferEngine(sftp, { concurrency: settings.current().transfers.concurrency });
    followTransferSettings(this.transfers, settings);
    this.databases = new DatabaseService({
      connections: this.connections,
      secrets,
      keychainService: service,
    });
  }

  /** The key used to sign in to gateways: the chosen one, or the newest. */
  async activeKeyId(): Promise<string> {
    const { activeKeyId } = await this.device.read();
    const keys = await this.keys.list();
    if (activeKeyId && keys.some((key) => key.id === activeKeyId)) return activeKeyId;
    const newest = [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (!newest)
      throw new AuthenticationFailed('No SSH key on this device yet: generate or import one (Keys).');
    return newest.id;
  }

  async setActiveKey(id: string): Promise<void> {
    await this.keys.get(id);
    await this.device.update((device) => ({ ...device, activeKeyId: id }));
  }

  /** Every service with the methods its contract lets the far side call. */
  exposed(): Record<keyof CoreContract, Exposed> {
    return {
      keys: expose(this.keys, CORE_METHODS.keys),
      platform: expose(this.platform, CORE_METHODS.platform),
      hostKeys: expose(this.hostKeys, CORE_METHODS.hostKeys),
      connections: expose(this.connections, CORE_METHODS.connections),
      terminals: expose(this.terminals, CORE_METHODS.terminals),
      exec: expose(this.exec, CORE_METHODS.exec),
      localTerminals: expose(this.localTerminals, CORE_METHODS.localTerminals),
      files: expose(this.files, CORE_METHODS.files),
      transfers: expose(this.transfers, CORE_METHODS.transfers),
      databases: expose(this.databases, CORE_METHODS.databases),
      settings: expose(this.settings, CORE_METHODS.settings),
    };
  }

  close(): void {
    this.localTerminals.closeAll();
    this.connections.closeAll();
  }
}
