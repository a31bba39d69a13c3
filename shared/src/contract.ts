import type { ConnectionEvents } from './connections.ts';
import type {
  DatabaseCredentials,
  DatabaseEvents,
  SqlExportRequest,
  SqlImportRequest,
  SqlResult,
} from './databases.ts';
import { EXEC_METHODS, type ExecApi } from './exec.ts';
import { FILES_METHODS, type RemoteFilesService } from './files.ts';
import type { HostKeyDecision, HostKeyEvents } from './hostKeys.ts';
import { KEYS_METHODS, type KeysService } from './keys.ts';
import type { Account, DashboardKey, PlatformProfile } from './platform.ts';
import type { EnvironmentList, KeySyncResult, PlatformEvents, PlatformState } from './platformService.ts';
import { RpcClient } from './rpc/RpcClient.ts';
import type { EventSource } from './rpc/Emitter.ts';
import type { CallOptions, RpcChannel } from './rpc/protocol.ts';
import { SETTINGS_METHODS, type SettingsApi } from './settings.ts';
import type { LocalTerminalRequest, OpenTerminalRequest, TerminalEvents } from './terminals.ts';
import type { TransferEvents, TransferService } from './transfers.ts';

export interface PlatformApi {
  readonly events: EventSource<PlatformEvents>;
  current(): Promise<PlatformState>;
  /** The platforms to offer on first run: Enscale, and the embedded sandbox when the host runs one. */
  presets(): Promise<PlatformProfile[]>;
  useProfile(profile: PlatformProfile): Promise<void>;
  /**
   * Signs in with a password. For an account with two-factor authentication it throws CodeRequired;
   * the sign-in completes with `verifyCode`.
   */
  signIn(login: string, password: string): Promise<Account>;
  /** Completes a password sign-in that answered CodeRequired, with the authenticator app's code. */
  verifyCode(code: string): Promise<Account>;
  /**
   * Signs in with a personal access token (validated with getuserinfo, kept in the keychain like a
   * session, never sent to signout).
   */
  signInWithToken(token: string): Promise<Account>;
  signOut(): Promise<void>;
  environments(): Promise<EnvironmentList>;
  startEnvironment(envName: string): Promise<void>;
  stopEnvironment(envName: string): Promise<void>;
  dashboardKeys(): Promise<DashboardKey[]>;
  deleteDashboardKey(id: number): Promise<void>;
  syncKey(localKeyId: string): Promise<KeySyncResult>;
}

/** Terminals through the gateway and local ones share one shape, so the screen draws both alike. */
export interface TerminalApi<Request> {
  readonly events: EventSource<TerminalEvents>;
  open(request: Request): Promise<{ id: string }>;
  write(id: string, data: string): Promise<void>;
  resize(id: string, cols: number, rows: number): Promise<void>;
  /** The screen has drawn this many more bytes; output resumes once it catches up. */
  ack(id: string, bytes: number): Promise<void>;
  close(id: string): Promise<void>;
}

export type { LocalTerminalRequest } from './terminals.ts';

export interface HostKeysApi {
  readonly events: EventSource<HostKeyEvents>;
  answer(id: string, decision: HostKeyDecision): Promise<void>;
}

export interface ConnectionsApi {
  readonly events: EventSource<ConnectionEvents>;
}

export interface DatabasesApi {
  readonly events: EventSource<DatabaseEvents>;
  importSql(request: SqlImportRequest, options?: CallOptions): Promise<SqlResult>;
  exportSql(request: SqlExportRequest, options?: CallOptions): Promise<SqlResult>;
  savedCredentials(nodeKey: string): Promise<DatabaseCredentials | null>;
  saveCredentials(nodeKey: string, credentials: DatabaseCredentials): Promise<void>;
}

/** Everything the core serves, by the name it is served under. */
export interface CoreContract {
  keys: KeysService;
  platform: PlatformApi;
  hostKeys: HostKeysApi;
  connections: ConnectionsApi;
  terminals: TerminalApi<OpenTerminalRequest>;
  exec: ExecApi;
  localTerminals: TerminalApi<LocalTerminalRequest>;
  files: RemoteFilesService;
  transfers: TransferService & { readonly events: EventSource<TransferEvents> };
  databases: DatabasesApi;
  /** The settings the core acts on (transfers, keepalive) and the About facts. */
  settings: SettingsApi;
}

const TERMINAL_METHODS = ['open', 'write', 'resize', 'ack', 'close'] as const;

/**
 * What the far side may call, per service: the contract, and nothing else of the classes behind it.
 * Each method's arguments are checked against its schema in `rpc/schemas/` (CORE_ARGS) first.
 */
export const CORE_METHODS = {
  keys: KEYS_METHODS,
  platform: [
    'current',
    'presets',
    'useProfile',
    'signIn',
    'verifyCode',
    'signInWithToken',
    'signOut',
    'environments',
    'startEnvironment',
    'stopEnvironment',
    'dashboardKeys',
    'deleteDashboardKey',
    'syncKey',
  ],
  hostKeys: ['answer'],
  connections: [],
  terminals: TERMINAL_METHODS,
  exec: EXEC_METHODS,
  localTerminals: TERMINAL_METHODS,
  files: FILES_METHODS,
  transfers: ['upload', 'download', 'wait', 'cancel', 'retry', 'answerConflict', 'jobs', 'clearFinished'],
  databases: ['importSql', 'exportSql', 'savedCredentials', 'saveCredentials'],
  settings: SETTINGS_METHODS,
} as const satisfies { [K in keyof CoreContract]: readonly (keyof CoreContract[K] & string)[] };

/** The typed client every host hands the UI (and the CLI): `window.enscale` is one of these. */
export function createCoreClient(channel: RpcChannel): { client: RpcClient; core: CoreContract } {
  const client = new RpcClient(channel);
  const core = Object.fromEntries(
    Object.keys(CORE_METHODS).map((name) => [name, client.service(name)]),
  ) as unknown as CoreContract;
  return { client, core };
}
