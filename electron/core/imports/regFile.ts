import { InvalidInput } from '../../../shared/src/errors.ts';
import { decodeTextFile } from '../keys/textFile.ts';

/*
 * A Windows registry export (`.reg`), as regedit and `reg.exe export` write it: "Windows Registry
 * Editor Version 5.00" in UTF-16LE with a BOM, or REGEDIT4 in the ANSI code page; UTF-8 copies are
 * read too. Only what a PuTTY session holds matters here (strings and dwords); other value types are
 * kept as their bytes.
 */

export type RegValue =
  | { type: 'string'; value: string }
  | { type: 'dword'; value: number }
  | { type: 'binary'; kind: string; bytes: Buffer };

/** Each key's path (as written between brackets) and its values, by name. */
export interface RegKey {
  path: string;
  values: Map<string, RegValue>;
}

const HEADERS = ['Windows Registry Editor Version 5.00', 'REGEDIT4'];

/** Reads a `.reg` file's bytes into its keys; a file that is not one is an error saying so. */
export function parseRegFile(bytes: Uint8Array, name: string): RegKey[] {
  const text = decodeTextFile(bytes);
  const lines = joinContinuations(text.split('\n'));
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0 || !HEADERS.includes(lines[first]?.trim() ?? ''))
    throw new InvalidInput(
      `${name} is not a registry export: its first line should be “Windows Registry Editor Version 5.00” ` +
        'or “REGEDIT4”. Export the sessions with regedit (File → Export) or ' +
        '`reg export HKCU\\Software\\SimonTatham\\PuTTY\\Sessions putty.reg`.',
    );
  const unicode = lines[first]?.trim() !== 'REGEDIT4';
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  for (const raw of lines.slice(first + 1)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const section = /^\[(-?)(.+)\]$/.exec(line);
    if (section) {
      // `[-KEY]` deletes a key: nothing to import from it.
      current = section[1] === '-' ? undefined : { path: section[2] ?? '', values: new Map() };
      if (current) keys.push(current);
      continue;
    }
    if (!current) continue;
    const entry = readValueLine(line, unicode);
    if (entry) current.values.set(entry.name, entry.value);
  }
  return keys;
}

/** A value line ending in `\` goes on on the next line (long hex values). */
function joinContinuations(lines: string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    const text = pending ? pending + line.trimStart() : line;
    if (/\\$/.test(text) && !/^\s*\[/.test(text) && /=\s*hex/i.test(text)) pending = text.slice(0, -1);
    else {
      joined.push(text);
      pending = '';
    }
  }
  if (pending) joined.push(pending);
  return joined;
}

/** `"Name"=value` or `@=value`; undefined for a deletion (`=-`) or a line it cannot read. */
function readValueLine(line: string, unicode: boolean): { name: string; value: RegValue } | undefined {
  let name: string;
  let rest: string;
  if (line.startsWith('@=')) {
    name = '';
    rest = line.slice(2);
  } else {
    const quoted = readQuoted(line, 0);
    if (!quoted || line[quoted.end] !== '=') return undefined;
    name = quoted.text;
    rest = line.slice(quoted.end + 1);
  }
  const value = readValue(rest.trim(), unicode);
  return value ? { name, value } : undefined;
}

/** A `"…"` string from `start`, with regedit's escapes (`\\`, `\"`) undone. */
function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  if (line[start] !== '"') return undefined;
  let text = '';
  for (let i = start + 1; i < line.length; i++) {
    const char = line[i];
    if (char === '\\' && i + 1 < line.length) {
      text += line[++i];
      continue;
    }
    if (char === '"') return { text, end: i + 1 };
    text += char;
  }
  return undefined;
}

function readValue(text: string, unicode: boolean): RegValue | undefined {
  if (text.startsWith('"')) {
    const quoted = readQuoted(text, 0);
    return quoted ? { type: 'string', value: quoted.text } : undefined;
  }
  const dword = /^dword:([0-9a-f]{1,8})$/i.exec(text);
  if (dword) return { type: 'dword', value: parseInt(dword[1] ?? '0', 16) };
  const hex = /^hex(?:\(([0-9a-f]+)\))?:([0-9a-f,\s]*)$/i.exec(text);
  if (!hex) return undefined;
  const bytes = Buffer.from(
    (hex[2] ?? '')
      .split(',')
      .map((byte) => byte.trim())
      .filter(Boolean)
      .map((byte) => parseInt(byte, 16)),
  );
  const kind = (hex[1] ?? '3').toLowerCase();
  // hex(1) is REG_SZ and hex(2) REG_EXPAND_SZ (regedit's form for strings with %VARS%): UTF-16LE
  // in version 5 files, the ANSI code page in REGEDIT4.
  if (kind === '1' || kind === '2')
    return {
      type: 'string',
      value: (unicode ? bytes.toString('utf16le') : bytes.toString('latin1')).replace(/\0+$/, ''),
    };
  return { type: 'binary', kind, bytes };
}
