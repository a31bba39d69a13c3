import { describe, expect, it } from 'vitest';
import {
  currentLocalPlatform,
  staysUnder,
  unsafeLocalNameReason,
} from '../../../electron/core/transfers/localNames.ts';

describe('unsafeLocalNameReason', () => {
  const everywhere = [
    '',
    '.',
    '..',
    '../escape',
    '../../x',
    '/tmp/abs',
    '..\\..\\x',
    'a\u0000b',
    'bad\u001bname',
    'del\u007f',
    'c1\u0085',
  ];
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`refuses traversal, separators and control characters on ${platform}`, () => {
      for (const name of everywhere)
        expect(unsafeLocalNameReason(name, platform), JSON.stringify(name)).toBeTypeOf('string');
    });
    it(`accepts ordinary names on ${platform}`, () => {
      for (const name of ['report.pdf', '.bashrc', '...x', 'Ünïcødé €', 'a b']) {
        expect(unsafeLocalNameReason(name, platform), name).toBeUndefined();
      }
    });
  }

  it('refuses Windows-only hazards on win32 and allows them elsewhere', () => {
    const windowsOnly = [
      'con',
      'CON',
      'con.txt',
      'Lpt9.log',
      'com1',
      'nul.tar.gz',
      'a:b',
      'x<y',
      'q?',
      'star*',
      'p|q',
      'q"',
      'trail.',
      'trail ',
    ];
    for (const name of windowsOnly) {
      expect(unsafeLocalNameReason(name, 'win32'), name).toBeTypeOf('string');
      expect(unsafeLocalNameReason(name, 'linux'), name).toBeUndefined();
    }
    expect(unsafeLocalNameReason('console.txt', 'win32')).toBeUndefined();
    expect(unsafeLocalNameReason('com10', 'win32')).toBeUndefined();
  });

  it('narrows the running platform', () => {
    expect(currentLocalPlatform('win32')).toBe('win32');
    expect(currentLocalPlatform('darwin')).toBe('darwin');
    expect(currentLocalPlatform('freebsd')).toBe('linux');
  });
});

describe('staysUnder', () => {
  it('keeps destinations strictly under the chosen folder', () => {
    expect(staysUnder('/dl/root', ['a', 'b.txt'])).toBe(true);
    expect(staysUnder('/dl/root', ['..foo'])).toBe(true);
    expect(staysUnder('/dl/root', ['..', 'x'])).toBe(false);
    expect(staysUnder('/dl/root', ['a', '..', '..', 'x'])).toBe(false);
    expect(staysUnder('/dl/root', ['/tmp/abs'])).toBe(false);
    expect(staysUnder('/dl/root', ['.'])).toBe(false);
  });
});
