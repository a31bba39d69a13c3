import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalFolders,
  nodeFolderFs,
  type FolderFs,
} from '../../../electron/core/localFolders/LocalFolders.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

/*
 * Windows and macOS rules, proven on Linux: the service is given the platform, and a file system
 * that maps the platform's paths onto real folders in a temp folder (`C:\Users\Ann` →
 * TMP/C/Users/Ann, `\\nas\dumps\x` → TMP/UNC/nas/dumps/x), so the listings are of real folders.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-folders-platforms-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Windows paths onto `dir`; a path with a forward slash or without a drive or share is refused, as a bug. */
function windowsDisk(): { fs: FolderFs; asked: string[] } {
  const asked: string[] = [];
  const local = (path: string) => {
    asked.push(path);
    if (path.includes('/')) throw new Error(`not a Windows path as the service should make it: ${path}`);
    const unc = /^\\\\([^\\]+)\\([^\\]+)(.*)$/.exec(path);
    const drive = /^([A-Z]):\\(.*)$/.exec(path);
    if (!unc && !drive) throw new Error(`not a full Windows path: ${path}`);
    const parts = unc
      ? ['UNC', unc[1]!, unc[2]!, ...unc[3]!.split('\\')]
      : [drive![1]!, ...drive![2]!.split('\\')];
    return join(dir, ...parts.filter(Boolean));
  };
  return {
    asked,
    fs: {
      readdir: (path) => nodeFolderFs.readdir(local(path)),
      stat: (path) => nodeFolderFs.stat(local(path)),
      mkdir: (path) => nodeFolderFs.mkdir(local(path)),
    },
  };
}

const windows = (fs: FolderFs, remembered = '') =>
  new LocalFolders({ platform: 'win32', fs, homeDir: 'C:\\Users\\Ann', remembered: async () => remembered });

describe('LocalFolders on Windows (fixture disks C: and D:)', () => {
  beforeEach(async () => {
    for (const folder of [
      'C/Users/Ann/Downloads',
      'C/Users/Ann/Desktop',
      'C/$Recycle.Bin',
      'C/Program Files',
      'D/dumps',
      'UNC/nas/share/sql',
    ])
      await mkdir(join(dir, ...folder.split('/')), { recursive: true });
    await mkdir(join(dir, 'C', 'System Volume Information'));
    await writeFile(join(dir, 'C', 'pagefile.sys'), 'not a folder');
  });

  it('lists with backslashes, a drive root has no parent, and system folders are hidden', async () => {
    const service = windows(windowsDisk().fs);
    const root = await service.list('C:\\');
    expect(root).toMatchObject({ path: 'C:\\', parent: null, trail: [{ name: 'C:', path: 'C:\\' }] });
    expect(root.folders).toEqual([
      { name: '$Recycle.Bin', path: 'C:\\$Recycle.Bin', hidden: true, link: false },
      { name: 'Program Files', path: 'C:\\Program Files', hidden: false, link: false },
      { name: 'System Volume Information', path: 'C:\\System Volume Information', hidden: true, link: false },
      { name: 'Users', path: 'C:\\Users', hidden: false, link: false },
    ]);
    // Forward slashes and a trailing separator, as pasted from elsewhere, name the same folder.
    const ann = await service.list('C:/Users/Ann/');
    expect(ann.path).toBe('C:\\Users\\Ann');
    expect(ann.parent).toBe('C:\\Users');
    expect(ann.trail).toEqual([
      { name: 'C:', path: 'C:\\' },
      { name: 'Users', path: 'C:\\Users' },
      { name: 'Ann', path: 'C:\\Users\\Ann' },
    ]);
    expect(ann.folders.map((f) => f.path)).toEqual(['C:\\Users\\Ann\\Desktop', 'C:\\Users\\Ann\\Downloads']);
  });

  it('lists a network share, whose root is the share', async () => {
    const share = await windows(windowsDisk().fs).list('\\\\nas\\share');
    expect(share).toMatchObject({ path: '\\\\nas\\share\\', parent: null });
    expect(share.trail).toEqual([{ name: '\\\\nas\\share', path: '\\\\nas\\share\\' }]);
    expect(share.folders.map((f) => f.path)).toEqual(['\\\\nas\\share\\sql']);
    const sql = await windows(windowsDisk().fs).list('\\\\nas\\share\\sql');
    expect(sql.parent).toBe('\\\\nas\\share\\');
  });

  it('refuses paths that depend on the current drive or folder', async () => {
    const disk = windowsDisk();
    for (const path of ['C:Users', '\\Users', 'Users\\Ann', '/Users']) {
      const error = await windows(disk.fs)
        .list(path)
        .catch((e: unknown) => e as Error);
      expect(error, path).toBeInstanceOf(InvalidInput);
      expect((error as Error).message, path).toMatch(/must be a full path such as C:\\Users\\you\\Downloads/);
    }
    expect(disk.asked).toEqual([]);
  });

  it('offers the drive letters that exist as roots, and the usual places', async () => {
    expect(await windows(windowsDisk().fs).places()).toEqual({
      roots: [
        { name: 'C:', path: 'C:\\' },
        { name: 'D:', path: 'D:\\' },
      ],
      places: [
        { name: 'Home', path: 'C:\\Users\\Ann' },
        { name: 'Desktop', path: 'C:\\Users\\Ann\\Desktop' },
        { name: 'Downloads', path: 'C:\\Users\\Ann\\Downloads' },
      ],
    });
  });

  it('leaves out a drive that does not answer (a network drive whose server is gone)', async () => {
    const { fs } = windowsDisk();
    const hanging: FolderFs = {
      ...fs,
      stat: (path) => (path === 'D:\\' ? new Promise(() => undefined) : fs.stat(path)),
    };
    const service = new LocalFolders({
      platform: 'win32',
      fs: hanging,
      homeDir: 'C:\\Users\\Ann',
      remembered: async () => '',
      driveWaitMs: 50,
    });
    expect((await service.places()).roots).toEqual([{ name: 'C:', path: 'C:\\' }]);
  });

  it('makes folders under names Windows keeps, refusing reserved, stripped and forbidden ones', async () => {
    const service = windows(windowsDisk().fs);
    expect(await service.create('D:\\dumps', 'March')).toBe('D:\\dumps\\March');
    expect(await readdir(join(dir, 'D', 'dumps'))).toEqual(['March']);
    const cases: [string, RegExp][] = [
      ['con', /is a device name Windows reserves/],
      ['NUL.txt', /is a device name Windows reserves/],
      ['com1', /is a device name Windows reserves/],
      ['dot.', /ends with a dot or space, which Windows strips/],
      ['space ', /ends with a dot or space/],
      ['a:b', /contains characters Windows forbids/],
      ['what?', /contains characters Windows forbids/],
      ['a\\b', /cannot contain "\\" or "\/"/],
      ['a/b', /cannot contain "\\" or "\/"/],
      ['..', /cannot be called/],
    ];
    for (const [name, message] of cases) {
      const error = await service.create('D:\\dumps', name).catch((e: unknown) => e as Error);
      expect(error, name).toBeInstanceOf(InvalidInput);
      expect((error as Error).message, name).toMatch(message);
    }
    expect(await readdir(join(dir, 'D', 'dumps'))).toEqual(['March']);
  });

  it('starts at the remembered folder with the Windows separator, else Downloads', async () => {
    expect(await windows(windowsDisk().fs, 'D:\\dumps').start('sqlExport')).toEqual({
      path: 'D:\\dumps',
      separator: '\\',
    });
    expect(await windows(windowsDisk().fs, 'E:\\gone').start('sqlExport')).toEqual({
      path: 'C:\\Users\\Ann\\Downloads',
      separator: '\\',
    });
    expect((await windows(windowsDisk().fs).start('keyExport', 'D:\\dumps\\new\\key.ppk')).path).toBe(
      'D:\\dumps',
    );
  });
});

describe('LocalFolders on macOS', () => {
  it('offers / and the mounted volumes, not the start-up disk’s link to /', async () => {
    // A macOS-shaped tree under `dir`, whose /Volumes is the fixture's.
    const volumes = join(dir, 'Volumes');
    await mkdir(join(volumes, 'Backup'), { recursive: true });
    await mkdir(join(volumes, '.timemachine'));
    await symlink('/', join(volumes, 'Macintosh HD'));
    const onto = (path: string) => (path.startsWith('/Volumes') ? join(dir, path) : path);
    const fs: FolderFs = {
      readdir: (path) => nodeFolderFs.readdir(onto(path)),
      stat: (path) => nodeFolderFs.stat(onto(path)),
      mkdir: (path) => nodeFolderFs.mkdir(onto(path)),
    };
    const service = new LocalFolders({ platform: 'darwin', fs, homeDir: dir, remembered: async () => '' });
    expect((await service.places()).roots).toEqual([
      { name: '/', path: '/' },
      { name: 'Backup', path: '/Volumes/Backup' },
    ]);
    const error = await service.create(dir, 'a:b').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as Error).message).toMatch(
      /contains ":" or a control character, which macOS does not allow/,
    );
  });
});
