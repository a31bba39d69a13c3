import { describe, expect, it } from 'vitest';
import { MAX_LINE, PlainText } from '../../../electron/core/terminals/sessionLog/plainText.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The whole stream through one filter, in the chunks given; then its end. */
function plain(...chunks: (string | Uint8Array)[]): string {
  const filter = new PlainText();
  let out = '';
  for (const chunk of chunks) out += filter.push(typeof chunk === 'string' ? bytes(chunk) : chunk);
  return out + filter.end();
}

/** The stream cut at every byte boundary in turn: each cut must give the same text as the whole. */
function everySplit(text: string): Set<string> {
  const whole = bytes(text);
  const results = new Set<string>();
  for (let at = 0; at <= whole.length; at++) results.add(plain(whole.slice(0, at), whole.slice(at)));
  return results;
}

/** A bash session's bytes, as sshd sends them: a title, a coloured prompt, bracketed paste, colours. */
const SESSION =
  '\x1b]0;demo@node518839: ~\x07\x1b[01;32mdemo@node518839\x1b[00m:\x1b[01;34m~\x1b[00m$ ' +
  '\x1b[?2004h' +
  'echo 42\r\n\x1b[?2004l\r' +
  '42\r\n' +
  '\x1b[0m\x1b[01;34mfolder\x1b[0m  file.txt\r\n' +
  'demo@node518839:~$ ';

describe('plain text of terminal output', () => {
  it('drops colours, titles and modes, and turns CR LF into LF', () => {
    expect(plain(SESSION)).toBe('demo@node518839:~$ echo 42\n42\nfolder  file.txt\ndemo@node518839:~$\n');
  });

  it('gives the same text wherever the stream is cut', () => {
    expect([...everySplit(SESSION)]).toEqual([plain(SESSION)]);
  });

  it('keeps nothing of a title split across many chunks', () => {
    const title = '\x1b]2;secret title that must not show\x1b\\after';
    const chunks = [...title].map((c) => c);
    expect(plain(...chunks)).toBe('after\n');
    expect(plain('a\x9d0;c1 title\x9cb')).toBe('ab\n');
  });

  it('skips DCS, SOS, PM and APC strings to their ST, whatever they hold', () => {
    expect(plain('a\x1bP1$r0m\x07still DCS\x1b\\b')).toBe('ab\n');
    expect(plain('a\x1b_apc\x1b\\b\x1bXsos\x1b\\c\x1b^pm\x1b\\d')).toBe('abcd\n');
    // An ESC that is not ST ends the string and starts a sequence of its own.
    expect(plain('a\x1b]0;title\x1b[31mred\x1b[0m')).toBe('ared\n');
  });

  it('drops charset selects and the other plain escapes', () => {
    expect(plain('\x1b(Bline\x1b)0\x1b7\x1b8\x1b=\x1b>\x1b#8 drawn\x1b%G')).toBe('line drawn\n');
    expect(plain('one\x1bEtwo')).toBe('one\ntwo\n');
  });

  it('aborts a sequence on CAN or SUB, and acts on controls inside one', () => {
    expect(plain('a\x1b[3\x18b')).toBe('ab\n');
    expect(plain('a\x1b[1\r;31mb')).toBe('b\n');
  });

  it('keeps what a carriage return overwrote last, as the screen shows a progress bar', () => {
    expect(plain('downloading  10%\rdownloading  55%\rdownloading 100%\r\n')).toBe('downloading 100%\n');
    expect(plain('abcdef\rXY\n')).toBe('XYcdef\n');
  });

  it('applies backspaces and a line editor’s erasing', () => {
    // Typing `echo 43`, two backspaces (bash echoes `\b \b`), then `2`.
    expect(plain('$ echo 43\b \b\b \b42\r\n')).toBe('$ echo 42\n');
    // Moving left with CUB, erasing to the end with EL.
    expect(plain('$ ls -la\x1b[3D\x1b[K-l\r\n')).toBe('$ ls -l\n');
    expect(plain('abcdef\x1b[4D\x1b[2Pz\n')).toBe('abzf\n');
    expect(plain('abc\x1b[1G\x1b[2@x\n')).toBe('x abc\n');
    expect(plain('abcdef\r\x1b[2Cxy\n')).toBe('abxyef\n');
    expect(plain('abcdef\x1b[2K\rnew\n')).toBe('new\n');
  });

  it('ends a row when the cursor leaves it, so a full-screen program’s rows stay apart', () => {
    expect(plain('\x1b[H\x1b[2Jtop row\x1b[2;1Hsecond row\x1b[3;5Hthird')).toBe(
      'top row\nsecond row\n    third\n',
    );
  });

  it('keeps UTF-8 characters split between chunks, and C1 controls as UTF-8 code points', () => {
    const text = 'Grüße, 日本語 🙂\r\n';
    expect([...everySplit(text)]).toEqual(['Grüße, 日本語 🙂\n']);
    expect(plain('x\u009b31my')).toBe('xy\n');
  });

  it('wraps rows at the terminal’s width, and writes a wrapped line as one', () => {
    // bash's readline at 20 columns: a full row, then ` \r` to make the terminal wrap, then the rest.
    const typed = '$ echo aaaaaaaaaaaaa bbbbbbbb';
    const echoed = `${typed.slice(0, 20)} \r${typed.slice(20)}\r\n`;
    const filter = new PlainText(20);
    expect(filter.push(bytes(echoed))).toBe(`${typed}\n`);
    // A line exactly as wide as the screen, then CR LF: no wrap happens.
    expect(filter.push(bytes(`${'y'.repeat(20)}\r\n`))).toBe(`${'y'.repeat(20)}\n`);
    // Wider after a resize: the same bytes need no wrap.
    filter.resize(40);
    expect(filter.push(bytes('abc\rX\r\n'))).toBe('Xbc\n');
    expect(filter.push(bytes(`${'z'.repeat(30)}\r\n`))).toBe(`${'z'.repeat(30)}\n`);
    filter.resize(10);
    expect(filter.push(bytes(`${'1234567890'}abc\rX\n`))).toBe('1234567890Xbc\n');
  });

  it('cuts a line that never ends, so memory stays bounded', () => {
    const long = 'x'.repeat(MAX_LINE * 2 + 10);
    const lines = plain(long).split('\n');
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE, MAX_LINE, 10, 0]);
  });

  it('keeps at most a few parameter characters of a hostile CSI', () => {
    expect(plain(`a\x1b[${'1;'.repeat(50_000)}mb`)).toBe('ab\n');
  });

  it('writes the unfinished line (a prompt) at the end, and nothing for an empty stream', () => {
    const filter = new PlainText();
    expect(filter.push(bytes('$ '))).toBe('');
    expect(filter.push(bytes('ec'))).toBe('');
    expect(filter.end()).toBe('$ ec\n');
    expect(new PlainText().end()).toBe('');
  });
});
