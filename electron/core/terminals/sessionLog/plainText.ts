/**
 * Terminal output as plain text, for a session log: escape sequences removed, lines as the screen
 * showed them. It works on a stream — a sequence, a line or a UTF-8 character may be split across
 * chunks anywhere — so it keeps the parser's state between chunks.
 *
 * The states follow Paul Williams' DEC VT500 parser (the one xterm.js implements), reduced to what
 * stripping needs: CSI sequences, the string sequences (OSC up to BEL or ST; DCS, SOS, PM and APC up
 * to ST) and the plain escapes (charset selects such as `ESC ( B`, `ESC 7`, `ESC =`), in their 7-bit
 * and C1 forms. C0 controls act inside a sequence as the terminal would, CAN and SUB abort it.
 *
 * The current line is a small model of one screen row: CR goes back to its start and what follows
 * overwrites (so `10%\r20%` logs `20%`, as a progress bar looks), backspace moves left (a shell's
 * `\b \b` erases), and the line-editing sequences a shell's line editor sends (EL, DCH, ICH, ECH,
 * CUF, CUB, CHA) apply. A row wraps at the terminal's width as the screen does, and the rows a long
 * line wrapped onto are written as one line: readline ends a full row with ` \r` to make the wrap
 * happen, which without the width would overwrite the line's start. A line is written out at LF
 * (`\r\n` becomes `\n`); a move to another row (CUP, CUU, …, ED) ends the line too, so a
 * full-screen program's rows do not pile up on one.
 * Columns are UTF-16 units, not cells: a wide (CJK) character or a combining mark can make a later
 * overwrite land off by one — a plain log is a readable record, the raw log is the exact one.
 */

type State = 'ground' | 'escape' | 'escapeIntermediate' | 'csi' | 'string' | 'stringEscape';

/** Characters kept on one line before it is written out without a line feed (bounds the memory). */
export const MAX_LINE = 16 * 1024;
/** CSI parameter characters kept; longer (hostile) parameter lists are cut, never stored. */
const MAX_PARAMS = 64;

const ESC = 0x1b;
const isC1 = (c: number) => c >= 0x80 && c <= 0x9f;
/** The CSI finals that change the line (the rest, such as SGR's `m`, mean nothing in a log). */
const ACTS = new Set([...'KP@XCDG`HfEFABdJ'].map((c) => c.charCodeAt(0)));
const isPrintable = (c: number) => c >= 0x20 && c !== 0x7f && !isC1(c);

export class PlainText {
  private readonly decoder = new TextDecoder('utf-8');
  private state: State = 'ground';
  /** A CSI sequence's parameter characters, and whether it had intermediates or a private marker. */
  private params = '';
  private odd = false;
  /** Whether the string sequence being skipped is an OSC, which BEL also ends. */
  private belEnds = false;
  /** The rows this line wrapped onto so far, then the row the cursor is on. */
  private wrapped = '';
  private line = '';
  private col = 0;
  private out: string[] = [];
  /** Where a row wraps: the terminal's width, or (unknown) the longest line kept. */
  private rowMax: number;

  constructor(columns?: number) {
    this.rowMax = MAX_LINE;
    if (columns !== undefined) this.resize(columns);
  }

  /** The terminal's width changed (rows written so far stay as they were). */
  resize(columns: number): void {
    this.rowMax = Math.min(Math.max(Math.floor(columns) || 1, 1), MAX_LINE);
  }

  /** Takes output bytes; answers the lines they complete, each ending in `\n`. */
  push(bytes: Uint8Array): string {
    this.feed(this.decoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /** Ends the stream: answers what is left, the unfinished line (a prompt) with a line feed. */
  end(): string {
    this.feed(this.decoder.decode());
    if (this.line !== '' || this.wrapped !== '') this.newline();
    this.state = 'ground';
    return this.take();
  }

  private take(): string {
    const text = this.out.join('');
    this.out = [];
    return text;
  }

  private feed(text: string): void {
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case 'ground': {
          if (isPrintable(c)) {
            let j = i + 1;
            while (j < text.length && isPrintable(text.charCodeAt(j))) j++;
            this.print(text.slice(i, j));
            i = j;
            continue;
          }
          if (isC1(c)) this.c1(c);
          else this.control(c);
          break;
        }
        case 'escape':
          if (!this.escape(c)) continue;
          break;
        case 'escapeIntermediate':
          if (c >= 0x20 && c <= 0x2f) break;
          if (c >= 0x30 && c <= 0x7e) this.state = 'ground';
          else if (c < 0x20) this.control(c);
          else if (c !== 0x7f) {
            this.state = 'ground';
            continue;
          }
          break;
        case 'csi':
          if (!this.csi(c)) continue;
          break;
        case 'string': {
          // Skipped whole: nothing in it is kept, however long it is.
          let j = i;
          while (j < text.length) {
            const d = text.charCodeAt(j);
            if (d === ESC || d === 0x9c || d === 0x18 || d === 0x1a || (d === 0x07 && this.belEnds)) break;
            j++;
          }
          if (j === text.length) return;
          const d = text.charCodeAt(j);
          this.state = d === ESC ? 'stringEscape' : 'ground';
          i = j + 1;
          continue;
        }
        case 'stringEscape':
          // ESC \ is ST; any other ESC ends the string and starts a sequence of its own.
          if (c === 0x5c) {
            this.state = 'ground';
            break;
          }
          this.state = 'escape';
          continue;
      }
      i++;
    }
  }

  /** A character after ESC; false when it must be read again in the ground state. */
  private escape(c: number): boolean {
    if (c === 0x5b) this.startCsi();
    else if (c === 0x5d) this.startString(true);
    else if (c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) this.startString(false);
    else if (c >= 0x20 && c <= 0x2f) this.state = 'escapeIntermediate';
    else if (c >= 0x30 && c <= 0x7e) {
      this.state = 'ground';
      if (c === 0x45) this.newline(); // NEL
    } else if (c < 0x20) this.control(c);
    else if (c !== 0x7f) {
      this.state = 'ground';
      return false;
    }
    return true;
  }

  /** A character inside a CSI sequence; false when it must be read again in the ground state. */
  private csi(c: number): boolean {
    if (c >= 0x30 && c <= 0x3f) {
      if (this.params.length < MAX_PARAMS) this.params += String.fromCharCode(c);
      if (c >= 0x3c) this.odd = true; // a private marker: < = > ?
    } else if (c >= 0x20 && c <= 0x2f) this.odd = true;
    else if (c >= 0x40 && c <= 0x7e) {
      this.state = 'ground';
      if (!this.odd && ACTS.has(c)) this.dispatch(String.fromCharCode(c), this.params);
    } else if (c < 0x20) this.control(c);
    else if (isC1(c)) this.c1(c);
    else if (c !== 0x7f) {
      this.state = 'ground';
      return false;
    }
    return true;
  }

  private startCsi(): void {
    this.state = 'csi';
    this.params = '';
    this.odd = false;
  }

  private startString(belEnds: boolean): void {
    this.state = 'string';
    this.belEnds = belEnds;
  }

  /** C0 controls: they act wherever they appear, even inside a sequence. */
  private control(c: number): void {
    switch (c) {
      case 0x0a: // LF, VT, FF
      case 0x0b:
      case 0x0c:
        this.newline();
        break;
      case 0x0d:
        this.col = 0;
        break;
      case 0x08:
        if (this.col > 0) this.col -= /[\udc00-\udfff]/.test(this.line[this.col - 1] ?? '') ? 2 : 1;
        this.col = Math.max(0, this.col);
        break;
      case 0x09:
        this.print('\t');
        break;
      case ESC:
        this.state = 'escape';
        break;
      case 0x18: // CAN, SUB: abort the sequence
      case 0x1a:
        this.state = 'ground';
        break;
    }
  }

  /** The 8-bit forms of ESC [, ESC ], ESC P, …; NEL; the rest mean nothing in a log. */
  private c1(c: number): void {
    if (c === 0x9b) this.startCsi();
    else if (c === 0x9d) this.startString(true);
    else if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) this.startString(false);
    else {
      this.state = 'ground';
      if (c === 0x85) this.newline();
    }
  }

  private dispatch(final: string, params: string): void {
    const list = params.split(/[;:]/).map((p) => Number.parseInt(p, 10));
    const n = Math.min(Math.max(list[0] || 1, 1), MAX_LINE);
    switch (final) {
      case 'K': {
        const mode = list[0] || 0;
        if (mode === 0) this.line = this.line.slice(0, this.col);
        else if (mode === 1) this.blank(0, this.col + 1);
        else if (mode === 2) this.line = '';
        return;
      }
      case 'P':
        this.line = this.line.slice(0, this.col) + this.line.slice(this.col + n);
        return;
      case '@':
        if (this.col < this.line.length)
          this.line = this.line.slice(0, this.col) + ' '.repeat(n) + this.line.slice(this.col);
        return;
      case 'X':
        this.blank(this.col, this.col + n);
        return;
      case 'C':
        this.col = Math.min(this.col + n, this.rowMax);
        return;
      case 'D':
        this.col = Math.max(0, this.col - n);
        return;
      case 'G':
      case '`':
        this.col = Math.min(n - 1, this.rowMax);
        return;
      case 'H':
      case 'f':
        this.otherRow(Math.min(Math.max(list[1] || 1, 1), MAX_LINE) - 1);
        return;
      case 'E':
      case 'F':
        this.otherRow(0);
        return;
      case 'A':
      case 'B':
      case 'd':
      case 'J':
        this.otherRow(this.col);
    }
  }

  private print(text: string): void {
    let rest = text;
    while (rest !== '') {
      // A full row and more to print: the screen wraps to the next row (xterm's pending wrap).
      if (this.col >= this.rowMax) this.wrap();
      if (this.col > this.line.length) this.line += ' '.repeat(this.col - this.line.length);
      const room = this.rowMax - this.col;
      const part = rest.length > room ? rest.slice(0, room) : rest;
      if (this.col === this.line.length) this.line += part;
      else this.line = this.line.slice(0, this.col) + part + this.line.slice(this.col + part.length);
      this.col += part.length;
      rest = rest.slice(part.length);
    }
  }

  /** The row is full: it joins the rows of this line, and the cursor goes to the next row's start. */
  private wrap(): void {
    this.wrapped += this.line;
    this.line = '';
    this.col = 0;
    if (this.wrapped.length >= MAX_LINE) {
      this.out.push(this.wrapped, '\n');
      this.wrapped = '';
    }
  }

  /** Blanks columns [from, to) of the line, as erasing does on a screen. */
  private blank(from: number, to: number): void {
    const end = Math.min(to, this.line.length);
    if (from >= end) return;
    this.line = this.line.slice(0, from) + ' '.repeat(end - from) + this.line.slice(end);
  }

  /** The cursor went to another row: the row so far is written out (when it holds anything). */
  private otherRow(col: number): void {
    if ((this.wrapped + this.line).trim() !== '') this.newline();
    this.wrapped = '';
    this.line = '';
    this.col = col;
  }

  private newline(): void {
    this.out.push((this.wrapped + this.line).replace(/ +$/, ''), '\n');
    this.wrapped = '';
    this.line = '';
    this.col = 0;
  }
}
