import { describe, expect, it } from 'vitest';
import { fileNameOf, folderOf, inFolderPath } from './destinationPath.ts';

describe('a destination path taken apart and put together', () => {
  it.each([
    ['/home/ann/Downloads/shop.sql.gz', '/', '/home/ann/Downloads', 'shop.sql.gz'],
    ['/shop.sql', '/', '/', 'shop.sql'],
    ['C:\\Users\\Ann\\key.ppk', '\\', 'C:\\Users\\Ann', 'key.ppk'],
    ['C:/Users/Ann/key.ppk', '\\', 'C:/Users/Ann', 'key.ppk'],
    ['C:\\key.ppk', '\\', 'C:\\', 'key.ppk'],
    ['\\\\nas\\dumps\\shop.sql', '\\', '\\\\nas\\dumps', 'shop.sql'],
    // A backslash is part of a name on Linux and macOS.
    ['/home/ann/odd\\name.sql', '/', '/home/ann', 'odd\\name.sql'],
    ['shop.sql', '/', '', 'shop.sql'],
    ['/home/ann/', '/', '/home/ann', ''],
  ] as const)('%s (%s)', (path, separator, folder, name) => {
    expect(folderOf(path, separator)).toBe(folder);
    expect(fileNameOf(path, separator)).toBe(name);
  });

  it.each([
    ['/home/ann/dumps', 'shop.sql', '/', '/home/ann/dumps/shop.sql'],
    ['/', 'shop.sql', '/', '/shop.sql'],
    ['C:\\', 'key.ppk', '\\', 'C:\\key.ppk'],
    ['D:\\keys', 'key.ppk', '\\', 'D:\\keys\\key.ppk'],
    ['\\\\nas\\share\\', 'x', '\\', '\\\\nas\\share\\x'],
  ] as const)('%s + %s', (folder, name, separator, path) => {
    expect(inFolderPath(folder, name, separator)).toBe(path);
  });
});
