import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';
import type { ConflictPolicy } from './transfers.ts';

/**
 * The app's settings that the core needs (transfers, connections). The screen's own preferences
 * (terminal font, theme…) stay in the renderer's storage; these live in the data folder, so the CLI
 * and every window share them.
 */
export interface AppSettings {
  transfers: {
    /** Files copied at the same time. */
    concurrency: number;
    /** What a new transfer does when its destination exists. */
    conflict: ConflictPolicy;
    /** Send file names in Unicode NFC: macOS hands out NFD, which a Linux node keeps as another name. */
    normalizeUploadNames: boolean;
    /** Base-name patterns (`*`, `?`) left out of folder uploads. */
    uploadSkip: string[];
  };
  connection: {
    /** Seconds between SSH keepalives on a gateway connection; three unanswered ones drop it. */
    keepaliveSeconds: number;
  };
  terminal: {
    /** The program local tabs run: '' for the system's shell, else its full path. */
    localShell: string;
    /** Whether new terminal tabs are logged to files (off by default: a log holds what the node printed). */
    logSessions: boolean;
    /** The folder session logs go to: '' for `session-logs` in the data folder, else a full path. */
    logFolder: string;
    /** Log the raw stream (escape sequences kept, for `cat` or `less -R`) instead of plain text. */
    logRaw: boolean;
  };
  editor: {
    /**
     * The program "Edit" opens a node's file with, and its arguments, e.g. `code --wait`; the file's
     * path is added last. '' for the system's default application for the file's type.
     */
    command: string;
  };
  /** The last folder chosen per kind of destination ('' until one is chosen: the Downloads folder). */
  folders: Record<FolderKind, string>;
  /** The app as an SSH agent for other programs (`ssh`, `git`, VS Code): see shared/src/agent.ts. */
  agent: {
    /** Whether the app serves its agent socket. */
    enabled: boolean;
    /** Whether each signature waits for a yes in the app, naming the key and the program asking. */
    confirm: boolean;
  };
}

/** The kinds of local destination whose last folder is remembered separately. */
export type FolderKind = 'download' | 'sqlExport' | 'keyExport' | 'sessionLogs';
export const FOLDER_KINDS: readonly FolderKind[] = ['download', 'sqlExport', 'keyExport', 'sessionLogs'];

/** A change to some settings: each section and field optional. */
export interface SettingsChange {
  transfers?: Partial<AppSettings['transfers']>;
  connection?: Partial<AppSettings['connection']>;
  terminal?: Partial<AppSettings['terminal']>;
  editor?: Partial<AppSettings['editor']>;
  folders?: Partial<AppSettings['folders']>;
  agent?: Partial<AppSettings['agent']>;
}

export const TRANSFER_CONCURRENCY = { min: 1, max: 8 } as const;
export const KEEPALIVE_SECONDS = { min: 5, max: 600 } as const;
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['ask', 'overwrite', 'skip', 'keepBoth'];
/** The skip list's bounds: enough for any real list, small enough to match every name against. */
export const UPLOAD_SKIP_LIMITS = { patterns: 100, length: 255 } as const;

/** The defaults are what the transfer engine and the connections do when nobody says otherwise. */
export const DEFAULT_APP_SETTINGS: AppSettings = {
  transfers: {
    concurrency: 3,
    conflict: 'ask',
    normalizeUploadNames: true,
    // The desktop's own droppings: Finder's folder state and resource forks, Explorer's thumbnails
    // and folder view. Nobody deploys them on purpose.
    uploadSkip: ['.DS_Store', '._*', 'Thumbs.db', 'desktop.ini'],
  },
  connection: { keepaliveSeconds: 15 },
  terminal: { localShell: '', logSessions: false, logFolder: '', logRaw: false },
  editor: { command: '' },
  folders: { download: '', sqlExport: '', keyExport: '', sessionLogs: '' },
  agent: { enabled: true, confirm: false },
};

/** The longest editor command line kept: a program's path and a few arguments. */
export const EDITOR_COMMAND_MAX = 1024;

/**
 * Where the core keeps its secrets (the keys' data keys, the session): the OS keychain, or — for a
 * throwaway profile on a machine without one — the core process's memory, gone when it stops.
 */
export type SecretsHome = 'keychain' | 'memory';

/** What the host's log and the window say, once each, when the secrets are in memory. */
export const SECRETS_IN_MEMORY_NOTICE =
  'No system keychain: this temporary profile keeps its keys and session in memory; they are gone when the app stops.';

/** What the About section shows. A version is null where this host does not know it. */
export interface AboutInfo {
  appVersion: string | null;
  versions: { node: string; electron: string | null; chromium: string | null };
  /** `process.platform` and `process.arch`, e.g. `linux x64`. */
  os: string;
  dataDir: string;
  logDir: string;
  /** `~/Downloads` when it exists, else the home folder: where exports are suggested. */
  downloadsDir: string;
  /** The core's path separator, for joining a suggested file name to `downloadsDir`. */
  pathSeparator: '/' | '\\';
  /** Where secrets are kept; the window says so once when it is memory. */
  secrets: SecretsHome;
}

export interface SettingsEvents {
  /** The settings after a change, so every open page shows the same. */
  changed: AppSettings;
}

export interface SettingsApi {
  readonly events: EventSource<SettingsEvents>;
  get(): Promise<AppSettings>;
  /** Applies a change and returns the settings now in force; numbers are clamped to their range. */
  update(change: SettingsChange): Promise<AppSettings>;
  about(): Promise<AboutInfo>;
}

export const SETTINGS_METHODS = methodList<SettingsApi>()(['get', 'update', 'about']);
