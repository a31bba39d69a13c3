import { describe, expect, it } from 'vitest';
import { chosenFolder, folderDialogFor } from '../../electron/main/policy/folderDialog.ts';

const page = { url: 'app://enscale/index.html', isMainFrame: true };

describe('the OS folder dialog main shows for the page', () => {
  it('opens folders only, with a New Folder button, at the start folder given', () => {
    expect(folderDialogFor(page, { kind: 'download', defaultPath: '/home/ann/Downloads' }, 'linux')).toEqual({
      options: {
        title: 'Download to folder',
        message: 'Choose the folder to download into.',
        buttonLabel: 'Choose',
        defaultPath: '/home/ann/Downloads',
        properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
      },
    });
    const sql = folderDialogFor(page, { kind: 'sqlExport' }, 'darwin');
    expect(sql).toMatchObject({ options: { title: 'Folder for the SQL export' } });
    expect('options' in sql && 'defaultPath' in sql.options).toBe(false);
    expect(
      folderDialogFor(page, { kind: 'keyExport', defaultPath: 'C:\\Users\\Ann' }, 'win32'),
    ).toMatchObject({
      options: { title: 'Folder for the private key', defaultPath: 'C:\\Users\\Ann' },
    });
  });

  it('drops a start folder that is not a full path for the OS it runs on', () => {
    for (const [defaultPath, platform] of [
      ['Downloads', 'linux'],
      ['C:Users', 'win32'],
      ['/Users/ann', 'win32'],
      ['C:\\Users', 'darwin'],
      [`/${'x'.repeat(5000)}`, 'linux'],
      ['/tmp/\u0000x', 'linux'],
      [42, 'linux'],
    ] as const) {
      const decided = folderDialogFor(page, { kind: 'download', defaultPath }, platform);
      expect(decided, String(defaultPath)).toHaveProperty('options');
      expect('options' in decided && decided.options.defaultPath, String(defaultPath)).toBeFalsy();
    }
  });

  it('refuses other frames and requests that are not exactly { kind, defaultPath? }', () => {
    const request = { kind: 'download' };
    expect(folderDialogFor({ url: 'https://evil.test/', isMainFrame: true }, request)).toEqual({
      refused: 'a folder dialog asked for by https://evil.test/',
    });
    expect(folderDialogFor({ ...page, isMainFrame: false }, request)).toHaveProperty('refused');
    expect(folderDialogFor(null, request)).toEqual({
      refused: 'a folder dialog asked for by a frame that is gone',
    });
    expect(folderDialogFor(page, 'download')).toHaveProperty('refused');
    expect(folderDialogFor(page, null)).toHaveProperty('refused');
    expect(folderDialogFor(page, { kind: 'sshKeys' })).toEqual({ refused: 'a folder dialog for "sshKeys"' });
    expect(folderDialogFor(page, { kind: 'download', properties: ['openFile'] })).toEqual({
      refused: 'a folder dialog request with properties',
    });
  });

  it('answers the folder chosen, or null when cancelled', () => {
    expect(chosenFolder({ canceled: false, filePaths: ['/home/ann/dumps'] })).toBe('/home/ann/dumps');
    expect(chosenFolder({ canceled: true, filePaths: ['/home/ann/dumps'] })).toBeNull();
    expect(chosenFolder({ canceled: false, filePaths: [] })).toBeNull();
  });
});
