/**
 * What one SQL statement of a dump is, as far as the psql scan needs to know: whether the server
 * will answer it by reading COPY data from psql's input, and whether it switches the client
 * encoding to one psql reads differently. The statement arrives as its text outside quotes and
 * comments ("head"): a string or dollar body stands as `'`, a quoted identifier as `"`.
 */

/** A word, a number-like run (digits glued to letters are read differently by psql versions), or one sign. */
const TOKEN = /[A-Za-z_\u0080-\u00ff][A-Za-z0-9_$\u0080-\u00ff]*|[0-9][A-Za-z0-9_$.\u0080-\u00ff]*|\S/g;
const ASCII_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function tokens(head: string): string[] {
  return head.match(TOKEN) ?? [];
}

export type CopyKind = 'copy-in' | 'other' | 'unclear';

const isName = (token: string | undefined): boolean =>
  token !== undefined && (token === '"' || ASCII_NAME.test(token));

/**
 * `COPY [BINARY] name [(columns)] FROM STDIN …` is the only statement the server answers by reading
 * data lines from psql's input (`COPY (query)` can only go TO). A statement that starts with COPY and
 * names STDIN in any other shape is 'unclear': guessing wrong either way would let the scan read data
 * as SQL or SQL as data.
 */
export function copyKind(words: string[], overflowed: boolean): CopyKind {
  if (words[0]?.toLowerCase() !== 'copy') return 'other';
  if (overflowed) return 'unclear';
  const unclearIfStdin = (): CopyKind =>
    words.some((w) => w.toLowerCase() === 'stdin') ? 'unclear' : 'other';
  let i = 1;
  if (words[i]?.toLowerCase() === 'binary') i++;
  if (!isName(words[i])) return unclearIfStdin();
  i++;
  while (words[i] === '.' && isName(words[i + 1])) i += 2;
  if (words[i] === '(') {
    i++;
    while (isName(words[i]) || words[i] === ',') i++;
    if (words[i] !== ')') return unclearIfStdin();
    i++;
  }
  if (words[i]?.toLowerCase() === 'from' && words[i + 1]?.toLowerCase() === 'stdin') {
    // Non-ASCII outside quotes in a COPY: a client-only encoding could hide bytes psql would see.
    return words.some((w) => /[\u0080-\u00ff]/.test(w)) ? 'unclear' : 'copy-in';
  }
  return unclearIfStdin();
}

/**
 * Client encodings whose multibyte characters can end in an ASCII byte (PostgreSQL's client-only
 * encodings and their aliases). psql then reads a quote or backslash after such a lead byte as part
 * of the character, so the dump would no longer read the way this scan reads it.
 */
const CLIENT_ONLY = new Set([
  'sjis',
  'shiftjis',
  'mskanji',
  'win932',
  'cp932',
  'shiftjis2004',
  'big5',
  'win950',
  'cp950',
  'gbk',
  'win936',
  'cp936',
  'uhc',
  'win949',
  'cp949',
  'gb18030',
  'johab',
]);

/**
 * `SET [SESSION|LOCAL] client_encoding {=|TO} value` and `SET NAMES value` with an encoding psql
 * reads byte for byte like this scan are fine (pg_dump writes `SET client_encoding = 'UTF8'`).
 * Anything else that names client_encoding (set_config, a function body) is refused: the scan could
 * not tell which encoding psql reads the rest in.
 */
export function encodingProblem(
  words: string[],
  strings: string[],
  mentionsClientEncoding: boolean,
): string | undefined {
  const lower = words.map((w) => w.toLowerCase());
  let i = lower[0] === 'set' ? 1 : -1;
  if (i > 0 && (lower[i] === 'session' || lower[i] === 'local')) i++;
  const names = i > 0 && lower[i] === 'names';
  if (!names && !mentionsClientEncoding) return undefined;
  const form = i > 0 && (names || lower[i] === 'client_encoding');
  if (!form) return 'a mention of client_encoding outside a plain SET client_encoding';
  let v = i + 1;
  if (!names && (lower[v] === '=' || lower[v] === 'to')) v++;
  const value = words[v] === "'" ? strings[0] : words[v];
  if (value === undefined || words.length > v + 1) return 'a SET client_encoding the app cannot read';
  if (CLIENT_ONLY.has(value.toLowerCase().replace(/[^a-z0-9]/g, '')))
    return `a switch to the client encoding ${value}, whose characters can hide quotes and backslashes from this check`;
  return undefined;
}
