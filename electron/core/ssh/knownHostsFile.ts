import { createHmac } from 'node:crypto';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { decodeTextFile, normaliseText } from '../keys/textFile.ts';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** Host patterns as written (`name`, `[name]:port`, `|1|salt|hash`, negations with `!`). */
  patterns: string[];
  keyType: string;
  /** Base64 of the key blob. */
  key: string;
  revoked: boolean;
}

/** `name` for port 22, `[name]:port` otherwise: how OpenSSH writes and looks up a host. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

/** The file's entries; its bytes may be UTF-16 or carry a BOM and CRLF line ends (Windows editors). */
export function parseKnownHosts(file: string | Uint8Array): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const text = typeof file === 'string' ? normaliseText(file) : decodeTextFile(file);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      // Certificate authorities vouch for other keys; this app pins keys, so it skips them.
      if (marker === '@cert-authority') continue;
      revoked = marker === '@revoked';
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue;
    entries.push({ patterns: hosts.split(','), keyType, key, revoked });
  }
  return entries;
}

/** OpenSSH's glob: `*` any run, `?` one character. */
function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i').test(value);
}

function hashedMatch(pattern: string, token: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64') === hash;
}

/** Whether an entry applies to `token`, honouring hashed names and `!negations`. */
export function entryMatches(entry: KnownHostEntry, token: string): boolean {
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    const hit = body.startsWith('|') ? hashedMatch(body, token) : globMatch(body, token);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

// A host written as a pattern may hold only what names and addresses hold: a space, comma, `*`, `?`,
// `!`, `|`, `@` or line break would add patterns, lines or markers (trust for other hosts, or all).
const PLAIN_TOKEN = /^(?:[a-z0-9.:-]+|\[[a-z0-9.:-]+\]:\d{1,5})$/;
const KEY_TYPE = /^[a-z0-9@.-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** One known_hosts line; refuses a host, type or key that would be read back as anything else. */
export function formatEntry(token: string, keyType: string, key: string): string {
  if (!PLAIN_TOKEN.test(token))
    throw new InvalidInput(
      `Not writing ${JSON.stringify(token)} to known_hosts: a host name may hold only letters, digits, dots, hyphens and (IPv6) colons. Correct the gateway host in the platform settings.`,
    );
  if (!KEY_TYPE.test(keyType) || !BASE64.test(key))
    throw new InvalidInput(
      `Not writing a malformed host key (type ${JSON.stringify(keyType)}) to known_hosts.`,
    );
  return `${token} ${keyType} ${key}`;
}
