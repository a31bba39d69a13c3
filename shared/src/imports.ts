import type { HostAuth, HostDraft, ShortcutDraft } from './hosts.ts';
import { methodList } from './rpc/methods.ts';

/*
 * Importing other tools' saved sessions: PuTTY/KiTTY sessions (a `.reg` export, the Windows registry,
 * `~/.putty/sessions`) and `~/.ssh/config` hosts. `preview` reads the source and plans; nothing is
 * saved until `apply`, which reads the source again (so what was saved meanwhile is a duplicate) and
 * imports what the person chose.
 */

/** Where sessions come from. Paths are full paths on the core's computer; left out, the usual place. */
export type ImportSource =
  | { kind: 'regFile'; path: string }
  | { kind: 'puttySessions'; folder?: string }
  | { kind: 'windowsRegistry' }
  | { kind: 'sshConfig'; path?: string };

/** A session that becomes a plain host. */
export interface PlannedHost {
  /** The session's name in its source (PuTTY session, ssh config `Host` alias): what `apply` is told. */
  session: string;
  draft: Omit<HostDraft, 'auth' | 'jumpHostId'>;
  /** How it signs in if saved now: a vault key already holding its key file, else the user's agent. */
  auth: HostAuth;
  /** The key file the session names (one of `keyOffers`); importing it makes it the host's key. */
  keyFile?: string;
  /** The host it is reached through: another session of this import, or a saved host. */
  jump?: { session: string } | { hostId: string; name: string };
  /** What is not carried over (port forwards, a proxy) and why, in words. */
  notes: string[];
}

/** A session on the platform's gateway with a `NODEID-UID` user: a shortcut to that node. */
export interface PlannedShortcut {
  session: string;
  draft: ShortcutDraft;
  notes: string[];
}

/** A key file sessions name, offered for import (never imported unless chosen). */
export interface KeyOffer {
  /** Full path, as the session names it (`~` expanded). */
  path: string;
  /** The sessions that name it. */
  usedBy: string[];
  /**
   * `importable`: readable, not in the vault yet; `inVault`: its public key is already there;
   * `missing`: no such file; `unreadable`: it cannot be read or is not a key file the vault takes.
   */
  state: 'importable' | 'inVault' | 'missing' | 'unreadable';
  /** Whether importing it needs its passphrase. */
  encrypted: boolean;
  /** The vault key with the same public key. */
  inVault?: { id: string; name: string };
  /** `SHA256:…` when the public key could be read without the passphrase. */
  fingerprint?: string;
  /** Why it cannot be imported, for `missing` and `unreadable`. */
  problem?: string;
}

export interface SkippedSession {
  session: string;
  reason: string;
}

export interface ImportPlan {
  /** The source with its path filled in. */
  source: ImportSource;
  /** Where the sessions were read, in words ("/home/ann/.ssh/config"). */
  from: string;
  shortcuts: PlannedShortcut[];
  hosts: PlannedHost[];
  keyOffers: KeyOffer[];
  /** Sessions that are not imported, each with its reason (a pattern, telnet, a duplicate…). */
  skipped: SkippedSession[];
}

/** What to import of a plan. */
export interface ImportChoice {
  /** Sessions (hosts and shortcuts) to import by name; left out: all of the plan's. */
  sessions?: string[];
  /** Key offers to import, with the passphrase of an encrypted one. */
  keys?: { path: string; passphrase?: string }[];
}

export interface ImportedItem {
  kind: 'host' | 'shortcut' | 'key';
  /** The saved host's, shortcut's or vault key's id. */
  id: string;
  name: string;
  /** The session it came from (hosts, shortcuts); a key's file path. */
  from: string;
  notes: string[];
}

export interface NotImported {
  kind: 'host' | 'shortcut' | 'key' | 'session';
  name: string;
  reason: string;
}

export interface ImportReport {
  from: string;
  imported: ImportedItem[];
  notImported: NotImported[];
}

export interface ImportsApi {
  /** Reads a source and says what importing it would do; saves nothing. */
  preview(source: ImportSource): Promise<ImportPlan>;
  /** Reads the source again and imports the chosen sessions and keys; the report says what was not and why. */
  apply(source: ImportSource, choice: ImportChoice): Promise<ImportReport>;
}

export const IMPORTS_METHODS = methodList<ImportsApi>()(['preview', 'apply']);
