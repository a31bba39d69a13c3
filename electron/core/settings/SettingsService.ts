import { join } from 'node:path';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import {
  DEFAULT_APP_SETTINGS,
  type AboutInfo,
  type AppSettings,
  type SettingsApi,
  type SettingsChange,
  type SettingsEvents,
  type SecretsHome,
} from '../../../shared/src/settings.ts';
import { JsonFile } from '../storage/JsonFile.ts';
import { downloadsDir, findAppVersion, pathSeparator, runtimeVersions } from './about.ts';
import { applyChange, readStored } from './settingsRules.ts';

export interface SettingsServiceOptions {
  /** The app's data folder; the settings are `settings.json` in it. */
  dataDir: string;
  /** Where the host writes its logs; `<dataDir>/logs` (the desktop shell's) when not given. */
  logDir?: string;
  /** The app's version when the host knows it better than the package.json beside the code. */
  appVersion?: string;
  /** The home folder (tests give a temporary one); the user's by default. */
  homeDir?: string;
  /** Where the host put the secrets; the OS keychain unless it said otherwise. */
  secrets?: SecretsHome;
}

/**
 * The settings the core acts on (transfers, keepalive), kept in the data folder, and what the About
 * section shows. `current()` answers synchronously for the services that read a setting at the
 * moment they use it (a new connection's keepalive); it holds the defaults until `ready()`.
 */
export class SettingsService implements SettingsApi {
  readonly events = new Emitter<SettingsEvents>();
  private readonly file: JsonFile<unknown>;
  private cached: AppSettings = structuredClone(DEFAULT_APP_SETTINGS);
  private readonly loaded: Promise<void>;
  /** Updates run one after another, so two quick changes cannot overwrite each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SettingsServiceOptions) {
    this.file = new JsonFile<unknown>(join(options.dataDir, 'settings.json'), {});
    this.loaded = this.file.read().then((raw) => {
      this.cached = readStored(raw);
    });
  }

  /** Resolves once the stored settings have been read (a missing or damaged file gives the defaults). */
  ready(): Promise<void> {
    return this.loaded;
  }

  /** The settings as last read or changed. */
  current(): AppSettings {
    return structuredClone(this.cached);
  }

  async get(): Promise<AppSettings> {
    await this.loaded;
    return this.current();
  }

  update(change: SettingsChange): Promise<AppSettings> {
    const run = this.queue.then(async () => {
      await this.loaded;
      const next = applyChange(this.cached, change);
      await this.file.write(next);
      this.cached = next;
      this.events.emit('changed', this.current());
      return this.current();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async about(): Promise<AboutInfo> {
    const { dataDir } = this.options;
    return {
      appVersion: this.options.appVersion ?? (await findAppVersion()),
      versions: runtimeVersions(),
      os: `${process.platform} ${process.arch}`,
      dataDir,
      logDir: this.options.logDir ?? join(dataDir, 'logs'),
      downloadsDir: await downloadsDir(this.options.homeDir),
      pathSeparator: pathSeparator(),
      secrets: this.options.secrets ?? 'keychain',
    };
  }
}
