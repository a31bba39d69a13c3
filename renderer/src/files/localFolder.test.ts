import { describe, expect, it } from 'vitest';
import { absoluteHint, inFolder, looksAbsolute } from './localFolder.ts';

describe('local folders as the core names them', () => {
  it.each([
    [
      { dir: 'C:\\Users\\Ann\\Downloads', separator: '\\' as const },
      'C:\\Users\\Ann\\Downloads\\shop.sql.gz',
    ],
    [{ dir: 'C:\\', separator: '\\' as const }, 'C:\\shop.sql.gz'],
    [{ dir: '/Users/ann/Downloads', separator: '/' as const }, '/Users/ann/Downloads/shop.sql.gz'],
    [{ dir: '/', separator: '/' as const }, '/shop.sql.gz'],
  ])('%j joins with its own separator', (folder, want) => {
    expect(inFolder(folder, 'shop.sql.gz')).toBe(want);
  });

  it.each([
    ['C:\\Users\\Ann\\Downloads', true],
    ['\\\\nas\\dumps', true],
    ['/Users/ann', true],
    ['Downloads', false],
    ['C:Downloads', false],
    ['', false],
  ])('%j looks absolute: %s', (path, absolute) => {
    expect(looksAbsolute(path)).toBe(absolute);
  });

  it('gives the user their own Downloads folder as the example', () => {
    expect(absoluteHint({ dir: 'C:\\Users\\Ann\\Downloads', separator: '\\' }, 'a folder')).toContain(
      'such as C:\\Users\\Ann\\Downloads',
    );
  });
});
