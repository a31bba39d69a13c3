const ESC = '\x1b';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

/**
 * Whether data xterm.js sends for a terminal is what the user typed or pasted, which a broadcasting
 * tab sends to every pane, rather than the terminal's own traffic, which stays with its pane.
 *
 * xterm.js sends both through `onData`: keys, pastes and IME text, but also its answers to the
 * program's queries (device attributes `ESC[?1;2c`, cursor position `ESC[5;1R`, `DECRQSS`, colour
 * queries), focus reports (`ESC[I`/`ESC[O`), mouse reports and wheel-as-arrows in full-screen
 * programs. Sent to the other panes, those would land in their shells as stray text (or move their
 * programs' cursors with this pane's mouse). What the user typed is: the key xterm.js has just
 * reported by `onKey` (it fires right before the key's data), text without any escape (IME and
 * input events, a paste without bracketed paste mode), or one bracketed paste.
 */
export function isTyped(data: string, lastKey: string | undefined): boolean {
  if (data === lastKey) return true;
  if (!data.includes(ESC)) return true;
  return data.startsWith(PASTE_START) && data.endsWith(PASTE_END);
}
