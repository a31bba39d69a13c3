import { createInterface } from 'node:readline/promises';
import { StringDecoder } from 'node:string_decoder';
import { Cancelled, InvalidInput } from '../../shared/src/errors.ts';

/**
 * A secret (password, passphrase, access token, two-factor code): typed on the terminal without
 * echo, or the next line of stdin when stdin is not a terminal, so scripts can pipe it in without it
 * showing on a command line. Successive calls take successive lines (password, then code).
 */
export async function readSecret(prompt: string, what = 'password'): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const line = await stdinLines.next(stdin);
    if (line === undefined) throw new InvalidInput(`No ${what} on stdin: pipe it in, one line.`);
    return line;
  }
  process.stderr.write(prompt);
  return typeSecret(stdin);
}

/**
 * Lines of a piped stdin, handed out one at a time. What one read brings past a line's end is kept
 * for the next call: a script may send the password and the code in one write.
 */
class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private ended = false;

  async next(stream: NodeJS.ReadStream): Promise<string | undefined> {
    for (;;) {
      const newline = this.text.indexOf('\n');
      if (newline >= 0) {
        const line = this.text.slice(0, newline);
        this.text = this.text.slice(newline + 1);
        return line.replace(/\r$/, '');
      }
      if (this.ended) {
        const rest = this.text;
        this.text = '';
        return rest === '' ? undefined : rest.replace(/\r$/, '');
      }
      await this.readMore(stream);
    }
  }

  private readMore(stream: NodeJS.ReadStream): Promise<void> {
    // An end that came while nobody listened is not announced again.
    if (stream.readableEnded) {
      this.text += this.decoder.end();
      this.ended = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const done = () => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('error', onError);
        stream.pause();
      };
      const onData = (chunk: Buffer) => {
        done();
        this.text += this.decoder.write(chunk);
        resolve();
      };
      const onEnd = () => {
        done();
        this.text += this.decoder.end();
        this.ended = true;
        resolve();
      };
      const onError = (error: Error) => {
        done();
        reject(error);
      };
      stream.on('data', onData);
      stream.once('end', onEnd);
      stream.once('error', onError);
      stream.resume();
    });
  }
}

const stdinLines = new LineReader();

function typeSecret(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const char of decoder.write(chunk)) {
        if (char === '\r' || char === '\n') {
          finish();
          return resolve(value);
        }
        if (char === '\u0003' || (char === '\u0004' && value === '')) {
          finish();
          return reject(new Cancelled('Cancelled.'));
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char === '\u0015') value = '';
        else if (char >= ' ') value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/**
 * Asks a yes/no question on the terminal; only `y` or `yes` is a yes. Never called without a
 * terminal: a script says `--yes` instead (a piped line would be read as an answer nobody gave).
 */
export async function askYesNo(question: string): Promise<boolean> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await lines.question(`${question} [y/N] `)).trim());
  } finally {
    lines.close();
  }
}
