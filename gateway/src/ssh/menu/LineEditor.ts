/**
 * The menu's line editing. The client's terminal is in raw mode and the gateway has no pty of its
 * own, so echo, backspace and the end-of-line are done here: printable characters are echoed up
 * to a bounded length, Backspace / Ctrl-U erase, Enter submits, Ctrl-C and Ctrl-D leave, and
 * escape sequences (arrow keys, function keys) are swallowed whole instead of printing garbage.
 */
export type EditorEvent = { type: 'line'; text: string } | { type: 'quit' };

const BELL = '\x07';
const ERASE_ONE = '\b \b';

/**
 * Where in an escape sequence the editor is: `start` after ESC, `csi` after ESC [ (parameters
 * until a final byte 0x40–0x7e), `ss3` after ESC O (exactly one more byte).
 */
type Escape = 'none' | 'start' | 'csi' | 'ss3';

export class LineEditor {
  private pending: Buffer = Buffer.alloc(0);
  private line = '';
  private escape: Escape = 'none';
  private afterCarriageReturn = false;

  constructor(
    private readonly echo: (text: string) => void,
    private readonly maxLength = 16,
  ) {}

  /** Queues input; call {@link next} to process it. Input beyond a bound is dropped (paste bombs). */
  feed(chunk: Buffer): void {
    if (this.pending.length + chunk.length > 4096) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /**
   * Processes queued input up to the next completed line or quit. Bytes after it stay queued, so
   * typed-ahead choices are read by the next prompt rather than echoed over the next screen.
   */
  next(): EditorEvent | undefined {
    let at = 0;
    try {
      while (at < this.pending.length) {
        const byte = this.pending[at++] as number;
        const event = this.consume(byte);
        if (event) return event;
      }
      return undefined;
    } finally {
      this.pending = this.pending.subarray(at);
    }
  }

  /** Input not yet processed, e.g. to hand to a node shell that takes over the terminal. */
  takePending(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    this.line = '';
    return rest;
  }

  private consume(byte: number): EditorEvent | undefined {
    const afterCarriageReturn = this.afterCarriageReturn;
    this.afterCarriageReturn = false;
    if (this.escape !== 'none') {
      // A control character is never part of an escape sequence (ECMA-48): it ends an unfinished one
      // and then acts as itself, so Enter, Ctrl-C and Ctrl-D work whatever was typed before them
      // (e.g. Esc, or Alt-[ and digits, which would otherwise swallow every key that follows).
      if (byte >= 0x20) {
        this.skipEscape(byte);
        return undefined;
      }
      this.escape = 'none';
    }
    switch (byte) {
      case 0x03: // Ctrl-C
      case 0x04: // Ctrl-D
        this.line = '';
        return { type: 'quit' };
      case 0x0d: // Enter
        this.afterCarriageReturn = true;
        return this.submit();
      case 0x0a:
        // CR LF (or CR NUL) from some terminals is one Enter, not two.
        return afterCarriageReturn ? undefined : this.submit();
      case 0x00:
        return undefined;
      case 0x08: // Backspace
      case 0x7f: // Delete, what most terminals send for Backspace
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.echo(ERASE_ONE);
        }
        return undefined;
      case 0x15: // Ctrl-U
        this.echo(ERASE_ONE.repeat(this.line.length));
        this.line = '';
        return undefined;
      case 0x1b:
        this.escape = 'start';
        return undefined;
    }
    if (byte >= 0x20 && byte < 0x7f && this.line.length < this.maxLength) {
      const character = String.fromCharCode(byte);
      this.line += character;
      this.echo(character);
    } else {
      this.echo(BELL);
    }
    return undefined;
  }

  private submit(): EditorEvent {
    const text = this.line;
    this.line = '';
    this.echo('\r\n');
    return { type: 'line', text };
  }

  private skipEscape(byte: number): void {
    switch (this.escape) {
      case 'start':
        this.escape = byte === 0x5b ? 'csi' : byte === 0x4f ? 'ss3' : 'none';
        return;
      case 'csi':
        if (byte >= 0x40 && byte <= 0x7e) this.escape = 'none';
        return;
      default:
        this.escape = 'none';
    }
  }
}
