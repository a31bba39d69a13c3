import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/**
 * "Copy ssh config" and "Write to ~/.ssh/config": OpenSSH `Host` entries for the account's nodes
 * (`shop-518839`), signing in through the app's agent and checking the gateway against a
 * known_hosts of the app's, so `ssh`, `scp`, `rsync`, `git` and VS Code Remote-SSH reach nodes with
 * no key on disk.
 */
export type SshConfigScope =
  { kind: 'all' } | { kind: 'environment'; name: string } | { kind: 'node'; nodeId: number };

export interface SshConfigStatus {
  /** Whether the user's ssh config includes the app's file (the line "Write to ~/.ssh/config" adds). */
  installed: boolean;
  /** The file the app writes and keeps current as environments change (`~/.ssh/enscale-ssh.config`). */
  file: string;
  /** The user's own config, which gets one `Include` line at its top and nothing else. */
  userConfig: string;
  /** The known_hosts the entries check the gateway against (the app's, in its profile). */
  knownHosts: string;
  /** `Host` entries in the app's file now (0 when there is none). */
  hosts: number;
}

export interface SshConfigEvents {
  /** Installed, removed, or the file rewritten because the environments changed. */
  status: SshConfigStatus;
}

export interface SshConfigApi {
  readonly events: EventSource<SshConfigEvents>;
  /** The `Host` entries for a node, an environment or every node, as text to paste into a config. */
  text(scope: SshConfigScope): Promise<string>;
  /** Writes the app's file and adds one `Include` line at the top of ~/.ssh/config (idempotent). */
  install(): Promise<SshConfigStatus>;
  /** Removes the app's `Include` line (and its comment) and the app's file; the user's lines stay. */
  uninstall(): Promise<SshConfigStatus>;
  status(): Promise<SshConfigStatus>;
}

export const SSH_CONFIG_METHODS = methodList<SshConfigApi>()(['text', 'install', 'uninstall', 'status']);
