/*
 * Another tool's saved session, read from its own format (PuTTY, KiTTY, ssh config) into the few
 * fields an import uses. The planner (planImport.ts) decides what each becomes.
 */

/** How a session reaches its host through another one, as its tool said it. */
export type ForeignProxy =
  /** An SSH jump (PuTTY's proxy type SSH, ssh config's ProxyJump): maybe a saved or imported host. */
  | { kind: 'jump'; host: string; port?: number; user?: string; alias?: string }
  /** Anything the app does not do (SOCKS, HTTP, telnet proxies, ProxyCommand), in words. */
  | { kind: 'other'; description: string };

export interface ForeignSession {
  /** Its name in the source: a PuTTY session's decoded name, an ssh config `Host` alias. */
  name: string;
  /** For the host list's tooltip: `PuTTY session “backup”`. */
  origin: string;
  /** PuTTY's `Protocol` (`ssh`, `telnet`, `raw`, `serial`…); `ssh` for ssh config. */
  protocol: string;
  host?: string;
  port?: number;
  user?: string;
  /** What the user name would be had the source not said, when it was filled in that way. */
  userNote?: string;
  /** Private key files it names, full paths. */
  keyFiles: string[];
  /** Port forwards, each in words (`local 8080 → localhost:80`). */
  forwards: string[];
  proxy?: ForeignProxy;
  /** Values that could not be read, in words; the session is still imported where it can be. */
  problems: string[];
}

export interface ParsedSessions {
  sessions: ForeignSession[];
  /** Entries that are not sessions (ssh config patterns, `Include`), with why. */
  skipped: { session: string; reason: string }[];
}
