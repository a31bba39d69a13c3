import type { CoreContract } from '../../contract.ts';
import type { MethodsOf } from '../methods.ts';
import type { ArgsSchema } from '../args.ts';
import { AGENT_ARGS } from './agent.ts';
import { DATABASES_ARGS } from './databases.ts';
import { EDITS_ARGS } from './edits.ts';
import { EXEC_ARGS } from './exec.ts';
import { FILES_ARGS } from './files.ts';
import { HOSTS_ARGS } from './hosts.ts';
import { IMPORTS_ARGS } from './imports.ts';
import { KEYS_ARGS } from './keys.ts';
import { LOCAL_FOLDERS_ARGS } from './localFolders.ts';
import { HOST_KEYS_ARGS, PLATFORM_ARGS } from './platform.ts';
import { SETTINGS_ARGS } from './settings.ts';
import { SSH_CONFIG_ARGS } from './sshConfig.ts';
import { LOCAL_TERMINALS_ARGS, TERMINALS_ARGS } from './terminals.ts';
import { TRANSFERS_ARGS } from './transfers.ts';
import { TUNNELS_ARGS } from './tunnels.ts';

/**
 * Every method's argument schema, by service and method: what `RpcHost` checks each call against
 * before it runs. Keyed by every method of each service interface (`MethodsOf`), like CORE_METHODS:
 * a method added to an interface without a schema here fails type-checking, as does a schema that
 * does not take exactly its method's parameters (`argsOf`).
 *
 * They live here rather than beside the interfaces in shared/src so the renderer, which bundles
 * those files, does not carry them: only the serving side (the core's hosts) imports this folder.
 */
export const CORE_ARGS = {
  keys: KEYS_ARGS,
  platform: PLATFORM_ARGS,
  hostKeys: HOST_KEYS_ARGS,
  connections: {},
  terminals: TERMINALS_ARGS,
  exec: EXEC_ARGS,
  localTerminals: LOCAL_TERMINALS_ARGS,
  files: FILES_ARGS,
  transfers: TRANSFERS_ARGS,
  tunnels: TUNNELS_ARGS,
  databases: DATABASES_ARGS,
  settings: SETTINGS_ARGS,
  localFolders: LOCAL_FOLDERS_ARGS,
  edits: EDITS_ARGS,
  agent: AGENT_ARGS,
  hosts: HOSTS_ARGS,
  imports: IMPORTS_ARGS,
  sshConfig: SSH_CONFIG_ARGS,
} as const satisfies {
  [S in keyof CoreContract]: { readonly [M in MethodsOf<CoreContract[S]>]: ArgsSchema };
};
