import { describe, expect, it } from 'vitest';
import { isTyped } from './typedInput.ts';

describe('typed input, told from the terminal’s own answers', () => {
  it('takes keys (as onKey reported them), plain text and bracketed pastes', () => {
    expect(isTyped('l', 'l')).toBe(true);
    expect(isTyped('\x1b[A', '\x1b[A')).toBe(true); // ↑, reported by onKey first
    expect(isTyped('\x1b[1;2R', '\x1b[1;2R')).toBe(true); // Shift+F3 looks like a cursor report
    expect(isTyped('hostname > /tmp/bcast\r', undefined)).toBe(true); // IME or input event
    expect(isTyped('\x1b[200~echo a\recho b\x1b[201~', undefined)).toBe(true);
  });

  it('keeps the terminal’s answers, focus and mouse reports to their own pane', () => {
    for (const report of [
      '\x1b[?1;2c',
      '\x1b[5;1R',
      '\x1b[I',
      '\x1b[O',
      '\x1b[<0;10;5M',
      '\x1b[>0;276;0c',
      '\x1bOA',
    ])
      expect(isTyped(report, undefined)).toBe(false);
    // An answer right after a key is not that key.
    expect(isTyped('\x1b[?1;2c', 'a')).toBe(false);
    // A paste carrying an escape of its own still goes as one paste; a bare start marker does not.
    expect(isTyped('\x1b[200~a\x1b[31mb\x1b[201~', undefined)).toBe(true);
    expect(isTyped('\x1b[200~', undefined)).toBe(false);
  });
});
