import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalFileError } from '../../../shared/src/errors.ts';
import type { ForeignProxy, ForeignSession, ParsedSessions } from './foreignSession.ts';
import type { RegKey } from './regFile.ts';

/*
 * PuTTY's (and KiTTY's) saved sessions: registry keys under `…\SimonTatham\PuTTY\Sessions\<name>` on
 * Windows, files `~/.putty/sessions/<name>` of `Key=Value` lines on Linux. Either way the name is
 * escaped as PuTTY's storage code does (`%20` for a space, `%XX` for `*?%\` and bytes outside ASCII).
 */

/** The key paths that hold sessions, and whose they are. */
const SESSION_KEYS: { tool: string; pattern: RegExp }[] = [
  { tool: 'PuTTY', pattern: /\\Software\\SimonTatham\\PuTTY\\Sessions\\([^\\]+)$/i },
  { tool: 'KiTTY', pattern: /\\Software\\9bis\.com\\KiTTY\\Sessions\\([^\\]+)$/i },
];

export const PUTTY_DEFAULTS = 'Default Settings';

/** `my%20server` → `my server`; the bytes are UTF-8 when they read as UTF-8, else Windows-1252. */
export function decodeSessionName(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const hex = escaped[i] === '%' ? escaped.slice(i + 1, i + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(escaped[i] ?? '', 'utf8'));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return new TextDecoder('windows-1252').decode(Uint8Array.from(bytes));
  }
}

/** The PuTTY and KiTTY sessions in a registry export. */
export function sessionsFromRegistry(keys: RegKey[]): ParsedSessions {
  const sessions: ForeignSession[] = [];
  for (const key of keys) {
    for (const { tool, pattern } of SESSION_KEYS) {
      const escaped = pattern.exec(key.path)?.[1];
      if (escaped === undefined) continue;
      const values = new Map<string, string | number>();
      for (const [name, value] of key.values) {
        if (value.type === 'string' || value.type === 'dword') values.set(name, value.value);
      }
      // PuTTY and KiTTY may both have a "web": the second is named for its tool, so choices stay apart.
      const name = decodeSessionName(escaped);
      const taken = sessions.some((s) => s.name === name);
      sessions.push(puttySession(taken ? `${name} (${tool})` : name, tool, values));
    }
  }
  return { sessions, skipped: [] };
}

/** `~/.putty/sessions`: one file per session, `Key=Value` lines, numbers as decimal text. */
export async function readPuttySessionsFolder(folder: string): Promise<ParsedSessions> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LocalFileError(
      code === 'ENOENT'
        ? `There is no PuTTY sessions folder at ${folder}: PuTTY on Linux keeps its saved sessions there once one is saved.`
        : `Cannot read the PuTTY sessions folder ${folder}: ${(error as Error).message}`,
      { reason: code === 'ENOENT' ? 'notFound' : 'failure' },
    );
  }
  const sessions: ForeignSession[] = [];
  const skipped: ParsedSessions['skipped'] = [];
  for (const file of names.sort()) {
    const name = decodeSessionName(file);
    let text: string;
    try {
      text = await readFile(join(folder, file), 'utf8');
    } catch (error) {
      skipped.push({ session: name, reason: `its file cannot be read (${(error as Error).message})` });
      continue;
    }
    const values = new Map<string, string | number>();
    for (const line of text.split(/\r?\n/)) {
      const at = line.indexOf('=');
      if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
    }
    sessions.push(puttySession(name, 'PuTTY', values));
  }
  return { sessions, skipped };
}

const PROXY_KINDS: Record<number, string> = {
  1: 'SOCKS 4',
  2: 'SOCKS 5',
  3: 'HTTP',
  4: 'Telnet',
  5: 'local command',
};

/** One session's values (registry or file) as a foreign session. */
export function puttySession(
  name: string,
  tool: string,
  values: Map<string, string | number>,
): ForeignSession {
  const text = (key: string): string | undefined => {
    const value = values.get(key);
    return value === undefined ? undefined : String(value).trim();
  };
  const number = (key: string): number | undefined => {
    const value = values.get(key);
    if (value === undefined || value === '') return undefined;
    const parsed = typeof value === 'number' ? value : Number(value);
    return Number.isInteger(parsed) ? parsed : undefined;
  };
  const problems: string[] = [];
  let host = text('HostName') || undefined;
  let user = text('UserName') || undefined;
  // PuTTY reads `user@host` in the host field as both, the user overriding the UserName setting.
  const at = host?.lastIndexOf('@') ?? -1;
  if (host && at >= 0) {
    user = host.slice(0, at) || user;
    host = host.slice(at + 1) || undefined;
  }
  const port = number('PortNumber');
  if (values.has('PortNumber') && port === undefined)
    problems.push(`its port “${text('PortNumber')}” is not a number`);
  const keyFile = text('PublicKeyFile');
  const session: ForeignSession = {
    name,
    origin: `${tool} session “${name}”`,
    protocol: (text('Protocol') || 'ssh').toLowerCase(),
    ...(host ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(user ? { user } : {}),
    keyFiles: keyFile ? [keyFile] : [],
    forwards: puttyForwards(text('PortForwardings') ?? ''),
    problems,
  };
  const proxy = puttyProxy(
    number('ProxyMethod') ?? 0,
    text('ProxyHost'),
    number('ProxyPort'),
    text('ProxyUsername'),
  );
  return proxy ? { ...session, proxy } : session;
}

function puttyProxy(
  method: number,
  host: string | undefined,
  port: number | undefined,
  user: string | undefined,
): ForeignProxy | undefined {
  if (method === 0) return undefined;
  const where = host ? ` ${host}${port ? `:${port}` : ''}` : '';
  // Type 6 (PuTTY 0.77 and later): an SSH server the session is reached through, as `ssh -J`.
  if (method === 6 && host)
    return { kind: 'jump', host, ...(port ? { port } : {}), ...(user ? { user } : {}) };
  return { kind: 'other', description: `PuTTY's ${PROXY_KINDS[method] ?? `type ${method}`} proxy${where}` };
}

/** `L8080=localhost:80,R2222=localhost:22,D1080` (an optional 4/6 before the letter) in words. */
export function puttyForwards(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^[46]?([LRD])([^=]*)=?(.*)$/.exec(entry);
      if (!match) return entry;
      const [, kind, listen, to] = match;
      if (kind === 'D') return `dynamic (SOCKS) port ${listen}`;
      return `${kind === 'L' ? 'local' : 'remote'} port ${listen} → ${to}`;
    });
}
