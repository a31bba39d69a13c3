import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLocalNames } from '../../../electron/core/transfers/localFolderNames.ts';
import {
  currentLocalPlatform,
  downloadMode,
  localNameFor,
  type LocalPlatform,
  staysUnder,
} from '../../../electron/core/transfers/localNames.ts';

const PLATFORMS: readonly LocalPlatform[] = ['linux', 'darwin', 'win32'];

/**
 * Whether `name` is one legal file name on `platform`, checked here independently of the policy:
 * a single path segment by that OS's path rules, inside the folder it is joined to, and free of
 * everything Windows refuses or mangles.
 */
function isLegal(name: string, platform: LocalPlatform): boolean {
  const path = platform === 'win32' ? win32 : posix;
  const root = platform === 'win32' ? 'C:\\Users\\me\\Downloads' : '/home/me/Downloads';
  const joined = path.resolve(root, name);
  if (path.dirname(joined) !== root || path.basename(joined) !== name) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return false;
  if (platform === 'darwin' && name.includes(':')) return false;
  if (platform !== 'win32') return true;
  if (/[\\/:*?"<>|]/.test(name) || /[. ]$/.test(name)) return false;
  return !/^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i.test(name.split('.')[0]!.trimEnd());
}

/** The hostile-names fixture. */
const HOSTILE = [
  '..\\..\\x',
  'a:b',
  'CON',
  'nul.txt',
  'foo.',
  'bar ',
  '*?<>|"',
  'bell\u0007\u001b[31mred',
  'del\u007f',
  'c1\u0085',
  'cafe\u0301',
  'caf\u00e9',
];

describe('localNameFor', () => {
  for (const platform of PLATFORMS) {
    it(`turns every hostile name into a legal name inside the folder on ${platform}`, () => {
      const verdicts = planLocalNames(HOSTILE, platform);
      const saved = verdicts.map((verdict, index) => {
        if ('skip' in verdict) throw new Error(`${JSON.stringify(HOSTILE[index])} skipped: ${verdict.skip}`);
        expect(isLegal(verdict.saveAs, platform), `${JSON.stringify(verdict.saveAs)} on ${platform}`).toBe(
          true,
        );
        expect(staysUnder('/home/me/Downloads', [verdict.saveAs])).toBe(true);
        return verdict.saveAs;
      });
      // Distinct as this platform's disk compares names (case and Unicode form folded off Linux).
      const fold = (name: string) => (platform === 'linux' ? name : name.normalize('NFC').toLowerCase());
      expect(new Set(saved.map(fold)).size).toBe(saved.length);
    });

    it(`skips only what has no legal meaning on ${platform}: traversal, "/", NUL, empty`, () => {
      for (const name of ['', '.', '..', '../escape', '../../x', '/tmp/abs', 'a\u0000b']) {
        expect(localNameFor(name, platform), JSON.stringify(name)).toHaveProperty('skip');
      }
    });

    it(`keeps ordinary names as they are on ${platform}`, () => {
      for (const name of ['report.pdf', '.bashrc', '...x', 'Ünïcødé €', 'a b', 'console.txt', 'com10']) {
        expect(localNameFor(name, platform), name).toEqual({ saveAs: name });
      }
    });
  }

  it('encodes what Windows forbids as %XX, keeps trailing dots and spaces, and frees device names', () => {
    const saved = (name: string) => {
      const verdict = localNameFor(name, 'win32');
      return 'saveAs' in verdict ? verdict.saveAs : verdict.skip;
    };
    expect(saved('a:b')).toBe('a%3Ab');
    expect(saved('..\\..\\x')).toBe('..%5C..%5Cx');
    expect(saved('*?<>|"')).toBe('%2A%3F%3C%3E%7C%22');
    expect(saved('foo.')).toBe('foo%2E');
    expect(saved('bar ')).toBe('bar%20');
    expect(saved('CON')).toBe('CON_');
    expect(saved('nul.txt')).toBe('nul_.txt');
    expect(saved('Lpt9.tar.gz')).toBe('Lpt9_.tar.gz');
    expect(saved('esc\u001b')).toBe('esc%1B');
    expect(localNameFor('a:b', 'win32')).toHaveProperty('reason');
  });

  it('leaves Windows-only hazards alone on Linux, and encodes ":" on macOS', () => {
    for (const name of ['a:b', 'CON', 'foo.', 'bar ', '*?<>|"', '..\\x']) {
      expect(localNameFor(name, 'linux'), name).toEqual({ saveAs: name });
    }
    expect(localNameFor('a:b', 'darwin')).toMatchObject({ saveAs: 'a%3Ab' });
    expect(localNameFor('esc\u001b[2J', 'linux')).toMatchObject({ saveAs: 'esc%1B[2J' });
  });

  it('narrows the running platform', () => {
    expect(currentLocalPlatform('win32')).toBe('win32');
    expect(currentLocalPlatform('darwin')).toBe('darwin');
    expect(currentLocalPlatform('freebsd')).toBe('linux');
  });
});

describe('planLocalNames', () => {
  it('saves names that differ only in case or Unicode form apart on Windows and macOS', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const names = ['readme', 'README', 'cafe\u0301', 'caf\u00e9', 'Docs', 'docs'];
      const saved = planLocalNames(names, platform).map((v) => ('saveAs' in v ? v.saveAs : v.skip));
      // The first in code-point order keeps its name on every run.
      expect(saved).toEqual(['readme (2)', 'README', 'cafe\u0301', 'caf\u00e9 (2)', 'Docs', 'docs (2)']);
    }
  });

  it('keeps them all on Linux, where the disk tells them apart', () => {
    const names = ['readme', 'README', 'cafe\u0301', 'caf\u00e9'];
    expect(planLocalNames(names, 'linux')).toEqual(names.map((saveAs) => ({ saveAs })));
  });

  it('never lets a renamed name take the spelling of one that is legal as it is', () => {
    // "a:b" becomes "a%3Ab" on Windows, which the folder already holds.
    const saved = planLocalNames(['a:b', 'a%3Ab'], 'win32');
    expect(saved[1]).toEqual({ saveAs: 'a%3Ab' });
    expect(saved[0]).toMatchObject({ saveAs: 'a%3Ab (2)' });
  });
});

describe('downloadMode', () => {
  it('keeps the node read/write bits only, and makes Windows files writable', () => {
    expect(downloadMode(0o104755, 'linux')).toBe(0o644);
    expect(downloadMode(0o100400, 'darwin')).toBe(0o400);
    expect(downloadMode(0o100400, 'win32')).toBe(0o666);
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
