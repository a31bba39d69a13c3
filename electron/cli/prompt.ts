import { StringDecoder } from 'node:string_decoder';
import { Cancelled, InvalidInput } from '../../shared/src/errors.ts';

/**
 * A secret (password, passphrase): typed on the terminal without echo, or the first line of stdin
 * when stdin is not a terminal, so scripts can pipe it in without it showing on a command line.
 */
export async function readSecret(prompt: string, what = 'password'): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const line = await readLine(stdin);
    if (line === undefined) throw new InvalidInput(`No ${what} on stdin: pipe it in, one line.`);
    return line;
  }
  process.stderr.write(prompt);
  return typeSecret(stdin);
}

/** The first line of a stream (without its line ending); the rest stays unread. */
function readLine(stream: NodeJS.ReadStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    const finish = (value: string | undefined) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', reject);
      stream.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      text += decoder.write(chunk);
      const newline = text.indexOf('\n');
      if (newline >= 0) finish(text.slice(0, newline).replace(/\r$/, ''));
    };
    const onEnd = () => {
      text += decoder.end();
      finish(text === '' ? undefined : text.replace(/\r$/, ''));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', reject);
  });
}

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
