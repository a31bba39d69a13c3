import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellWords } from '../../shared/src/shellQuote.ts';

describe('shellWords', () => {
  it.each(['=ls', 'a=b', '^x', '%1', '50%', '~root', '!!', '#c', 'a b', "it's", '$HOME', '`id`', ''])(
    'quotes %j',
    (word) => {
      expect(shellWords([word])).toBe(shellQuote(word));
    },
  );

  it('leaves plain words readable', () => {
    expect(shellWords(['enscale-ssh', 'get', 'node:/var/www/a.txt', 'user@host', '-p', '3022'])).toBe(
      'enscale-ssh get node:/var/www/a.txt user@host -p 3022',
    );
  });

  it('round-trips through a real shell, word for word', () => {
    const words = ['=ls', '^x', '%1', "it's", 'a\nb', '$(id)', '*', '\\', '"'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellWords(words)}`]).toString();
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});
