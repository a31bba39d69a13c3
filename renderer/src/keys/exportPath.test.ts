import { describe, expect, it } from 'vitest';
import { fileNameFor, isAbsolutePath, suggestedPath } from './exportPath.ts';

describe('export paths', () => {
  it('makes a plain file name from the key’s name', () => {
    expect(fileNameFor('Enscale SSH 2026-11-25', 'ppk')).toBe('Enscale-SSH-2026-11-25.ppk');
    expect(fileNameFor('Enscale SSH 2026-11-25', 'openssh')).toBe('Enscale-SSH-2026-11-25');
    expect(fileNameFor('../../etc/passwd', 'openssh')).toBe('etc-passwd');
    expect(fileNameFor('Clé de José', 'ppk')).toBe('Cle-de-Jose.ppk');
    expect(fileNameFor('Müller', 'ppk')).toBe('Muller.ppk');
    expect(fileNameFor('***', 'ppk')).toBe('key.ppk');
  });

  it('joins it to the folder with the core’s separator', () => {
    expect(suggestedPath('/home/me/Downloads', '/', 'laptop', 'ppk')).toBe('/home/me/Downloads/laptop.ppk');
    expect(suggestedPath('/', '/', 'laptop', 'openssh')).toBe('/laptop');
    expect(suggestedPath('C:\\Users\\me\\Downloads', '\\', 'laptop', 'ppk')).toBe(
      'C:\\Users\\me\\Downloads\\laptop.ppk',
    );
  });

  it('tells absolute paths from relative ones', () => {
    for (const path of ['/tmp/k', 'C:\\k', 'c:/k', '\\\\server\\share\\k'])
      expect(isAbsolutePath(path)).toBe(true);
    for (const path of ['k', './k', '~/k', 'C:k', '']) expect(isAbsolutePath(path)).toBe(false);
  });
});
