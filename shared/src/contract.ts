import { AGENT_METHODS, type AgentApi } from './agent.ts';
import { CONNECTIONS_METHODS, type ConnectionsApi } from './connections.ts';
import { DATABASES_METHODS, type DatabasesApi } from './databases.ts';
import { EDITS_METHODS, type EditsApi } from './edits.ts';
import { EXEC_METHODS, type ExecApi } from './exec.ts';
import { FILES_METHODS, type FilesApi } from './files.ts';
import { HOST_KEYS_METHODS, type HostKeysApi } from './hostKeys.ts';
import { HOSTS_METHODS, type HostsApi } from './hosts.ts';
import { IMPORTS_METHODS, type ImportsApi } from './imports.ts';
import { KEYS_METHODS, type KeysApi } from './keys.ts';
import { LOCAL_FOLDERS_METHODS, type LocalFoldersApi } from './localFolders.ts';
import { PLATFORM_METHODS, type PlatformApi } from './platformService.ts';
import { RpcClient } from './rpc/RpcClient.ts';
import type { MethodsOf } from './rpc/methods.ts';
import type { RpcChannel } from './rpc/protocol.ts';
import { SETTINGS_METHODS, type SettingsApi } from './settings.ts';
import { SSH_CONFIG_METHODS, type SshConfigApi } from './sshConfig.ts';
import {
  TERMINAL_METHODS,
  type LocalTerminalRequest,
  type OpenTerminalRequest,
  type TerminalApi,
} from './terminals.ts';
import { TRANSFERS_METHODS, type TransfersApi } from './transfers.ts';
import { TUNNELS_METHODS, type TunnelsApi } from './tunnels.ts';

/*
 * The core's contract, assembled: each domain file declares its service interface (events
 * included) and its method list, which `methodList` makes complete. To add a method to the core,
 * see docs/core.md, "Adding a method to the core".
 */

/** Everything the core serves, by the name it is served under. */
export interface CoreContract {
  keys: KeysApi;
  platform: PlatformApi;
  hostKeys: HostKeysApi;
  connections: ConnectionsApi;
  terminals: TerminalApi<OpenTerminalRequest>;
  exec: ExecApi;
  localTerminals: TerminalApi<LocalTerminalRequest>;
  files: FilesApi;
  transfers: TransfersApi;
  /** Local port forwards to nodes through the gateway. */
  tunnels: TunnelsApi;
  databases: DatabasesApi;
  /** The settings the core acts on (transfers, keepalive) and the About facts. */
  settings: SettingsApi;
  /** The core's computer's folders, for the browser host's in-page folder chooser. */
  localFolders: LocalFoldersApi;
  /** "Edit": a node's file in a local editor, each save uploaded back. */
  edits: EditsApi;
  /** The app as an SSH agent for other programs: status and per-use confirmation. */
  agent: AgentApi;
  /** Saved plain SSH hosts and node shortcuts. */
  hosts: HostsApi;
  /** Other tools' saved sessions (PuTTY, KiTTY, ssh config) imported as hosts and node shortcuts. */
  imports: ImportsApi;
  /** ssh config entries for the nodes ("Copy ssh config", "Write to ~/.ssh/config"). */
  sshConfig: SshConfigApi;
}

/**
 * What the far side may call, per service: the contract, and nothing else of the classes behind it.
 * Each method's arguments are checked against its schema in `rpc/schemas/` (CORE_ARGS) first.
 */
export const CORE_METHODS = {
  keys: KEYS_METHODS,
  platform: PLATFORM_METHODS,
  hostKeys: HOST_KEYS_METHODS,
  connections: CONNECTIONS_METHODS,
  terminals: TERMINAL_METHODS,
  exec: EXEC_METHODS,
  localTerminals: TERMINAL_METHODS,
  files: FILES_METHODS,
  transfers: TRANSFERS_METHODS,
  tunnels: TUNNELS_METHODS,
  databases: DATABASES_METHODS,
  settings: SETTINGS_METHODS,
  localFolders: LOCAL_FOLDERS_METHODS,
  edits: EDITS_METHODS,
  agent: AGENT_METHODS,
  hosts: HOSTS_METHODS,
  imports: IMPORTS_METHODS,
  sshConfig: SSH_CONFIG_METHODS,
} as const satisfies { [S in keyof CoreContract]: readonly MethodsOf<CoreContract[S]>[] };

/** The typed client every host hands the UI (and the CLI): `window.enscale` is one of these. */
export function createCoreClient(channel: RpcChannel): { client: RpcClient; core: CoreContract } {
  const client = new RpcClient(channel);
  const core = Object.fromEntries(
    Object.keys(CORE_METHODS).map((name) => [name, client.service(name)]),
  ) as unknown as CoreContract;
  return { client, core };
}
