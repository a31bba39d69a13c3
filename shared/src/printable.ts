/**
 * Text for a terminal made from strings the platform or a node chose (environment and node names,
 * key titles, server messages): they may hold escape sequences that retitle the terminal, clear it
 * or rewrite lines above, C1 controls that some terminals take as CSI, and bidirectional overrides
 * that show text reversed. Line breaks and tabs the app itself lays out stay.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes what could drive a terminal; keeps line breaks and tabs. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '');
}

/** One line: line breaks and tabs become spaces too, so a name cannot forge a line of its own. */
export function printableLine(text: string): string {
  return printable(text).replace(/[\t\n]/g, ' ');
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but leaves DEL, C1 and the
 * bidirectional controls raw; here they are written as \uXXXX, which any JSON reader reads back.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
