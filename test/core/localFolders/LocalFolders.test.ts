import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolders } from '../../../electron/core/localFolders/LocalFolders.ts';
import { InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import type { FolderKind } from '../../../shared/src/settings.ts';

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-folders-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const service = (options: { remembered?: Partial<Record<FolderKind, string>>; homeDir?: string } = {}) =>
  new LocalFolders({
    remembered: async (kind) => options.remembered?.[kind] ?? '',
    homeDir: options.homeDir ?? dir,
  });

/** The typed error a promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<Error & { details?: Record<string, unknown> }> {
  const result = await promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  if (!result) throw new Error('expected a refusal');
  return result;
}

describe('LocalFolders on this computer (Linux, real folders)', () => {
  it('lists folders only, sorted as a file manager sorts, hidden ones and links to folders marked', async () => {
    for (const name of ['b', 'A', 'file10', 'file2', '.cache', 'Zeta'])
      await mkdir(join(dir, 'here', name), { recursive: true });
    await writeFile(join(dir, 'here', 'notes.txt'), 'a file, never listed');
    await writeFile(join(dir, 'here', 'a-file'), 'nor this');
    await symlink(join(dir, 'here', 'b'), join(dir, 'here', 'to-b'));
    await symlink(join(dir, 'here', 'notes.txt'), join(dir, 'here', 'to-notes'));
    await symlink(join(dir, 'nowhere'), join(dir, 'here', 'broken'));

    const listing = await service().list(join(dir, 'here'));
    expect(listing.folders.map((f) => f.name)).toEqual([
      '.cache',
      'A',
      'b',
      'file2',
      'file10',
      'to-b',
      'Zeta',
    ]);
    expect(listing.folders.find((f) => f.name === '.cache')).toMatchObject({ hidden: true, link: false });
    expect(listing.folders.find((f) => f.name === 'to-b')).toEqual({
      name: 'to-b',
      path: join(dir, 'here', 'to-b'),
      hidden: false,
      link: true,
    });
    expect(listing.path).toBe(join(dir, 'here'));
    expect(listing.parent).toBe(dir);
    expect(listing.trail[0]).toEqual({ name: '/', path: '/' });
    expect(listing.trail.at(-1)).toEqual({ name: 'here', path: join(dir, 'here') });
    expect(listing.trail.slice(1).map((t) => t.name)).toEqual(join(dir, 'here').split('/').slice(1));
  });

  it('normalises the path it is given and has no parent at the root', async () => {
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    const listing = await service().list(`${dir}//a/./b/../`);
    expect(listing.path).toBe(join(dir, 'a'));
    expect(listing.folders.map((f) => f.name)).toEqual(['b']);
    const root = await service().list('/');
    expect(root).toMatchObject({ path: '/', parent: null, trail: [{ name: '/', path: '/' }] });
    expect(root.folders.map((f) => f.name)).toContain('tmp');
  });

  it('refuses a relative path, naming a full one to type', async () => {
    for (const relative of ['Downloads', './x', '', '~/Downloads']) {
      const error = await refusal(service().list(relative));
      expect(error).toBeInstanceOf(InvalidInput);
      expect(error.message).toMatch(/must be a full path such as \/home\/you\/Downloads/);
    }
    expect(await refusal(service().create('relative', 'x'))).toBeInstanceOf(InvalidInput);
  });

  it('says what is wrong with a folder that is gone or is a file', async () => {
    const gone = await refusal(service().list(join(dir, 'gone')));
    expect(gone).toBeInstanceOf(LocalFileError);
    expect(gone.message).toBe(
      `${join(dir, 'gone')} does not exist on this computer (any more): choose another folder.`,
    );
    expect(gone.details).toEqual({ path: join(dir, 'gone'), reason: 'notFound' });
    await writeFile(join(dir, 'plain'), 'x');
    const file = await refusal(service().list(join(dir, 'plain')));
    expect(file.message).toBe(`${join(dir, 'plain')} is a file, not a folder: choose a folder.`);
    expect(file.details?.reason).toBe('notAFolder');
  });

  it('makes a new folder and lists it, refusing names the OS would not keep as typed', async () => {
    const folders = service();
    const made = await folders.create(dir, 'Releases 2026');
    expect(made).toBe(join(dir, 'Releases 2026'));
    expect((await folders.list(dir)).folders.map((f) => f.name)).toEqual(['Releases 2026']);

    const taken = await refusal(folders.create(dir, 'Releases 2026'));
    expect(taken).toBeInstanceOf(LocalFileError);
    expect(taken.message).toBe(`${made} is already there: open it, or give the new folder another name.`);
    await writeFile(join(dir, 'a-file'), 'x');
    expect((await refusal(folders.create(dir, 'a-file'))).details?.reason).toBe('exists');

    const cases: [string, RegExp][] = [
      ['', /Give the new folder a name/],
      ['   ', /Give the new folder a name/],
      ['.', /cannot be called "\."/],
      ['..', /cannot be called "\.\."/],
      ['a/b', /cannot contain "\/".*one folder at a time/],
      ['../escape', /cannot contain "\/"/],
      ['bell\u0007', /contains a control character/],
      ['x'.repeat(256), /longer than 255 bytes/],
    ];
    for (const [name, message] of cases) {
      const error = await refusal(folders.create(dir, name));
      expect(error, name).toBeInstanceOf(InvalidInput);
      expect(error.message, name).toMatch(message);
    }
    // Nothing was made by the refusals, above the folder or in it.
    expect((await folders.list(dir)).folders.map((f) => f.name)).toEqual(['Releases 2026']);
    expect((await service().list(join(dir, '..'))).folders.map((f) => f.name)).not.toContain('escape');
  });

  it('says where a folder cannot be made for want of permission (sysfs refuses even root)', async () => {
    const error = await refusal(service().create('/sys', 'enscale-test'));
    expect(error).toBeInstanceOf(LocalFileError);
    expect(error.message).toBe(
      'You may not make a folder in /sys: permission denied on this computer. Choose a folder of your own, such as Downloads.',
    );
    expect(error.details).toEqual({ path: '/sys', reason: 'permissionDenied' });
  });

  it('says permission is denied for a folder the user may not read or write (run as nobody)', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(dir, 0o755);
    await chmod(locked, 0o555);
    await mkdir(join(locked, 'inner'));
    await chmod(locked, 0o000);
    const script = fileURLToPath(new URL('./tryAsNobody.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', script];
    // As root, as CI runs, the user is dropped to nobody; as anyone else, the user already lacks access.
    const command =
      process.getuid?.() === 0
        ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node]
        : node;
    const attempt = async (...args: string[]) => {
      const { stdout } = await run(command[0]!, [...command.slice(1), ...args], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      });
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as { error?: { code: string; message: string } };
    };
    expect((await attempt('list', locked)).error).toMatchObject({
      code: 'LocalFileError',
      message: `You may not open ${locked}: permission denied on this computer. Choose a folder of your own, such as Downloads.`,
    });
    await chmod(locked, 0o555);
    expect((await attempt('create', locked, 'mine')).error).toMatchObject({
      code: 'LocalFileError',
      message: `You may not make a folder in ${locked}: permission denied on this computer. Choose a folder of your own, such as Downloads.`,
    });
    await chmod(locked, 0o755);
  });

  it('starts at what was typed, else the remembered folder, else Downloads, else home', async () => {
    await mkdir(join(dir, 'Downloads'));
    await mkdir(join(dir, 'dumps', 'daily'), { recursive: true });
    await writeFile(join(dir, 'dumps', 'daily', 'shop.sql.gz'), 'x');
    const folders = service({ remembered: { sqlExport: join(dir, 'dumps') } });
    const at = async (kind: FolderKind, near?: string) => (await folders.start(kind, near)).path;

    expect(await folders.start('download')).toEqual({ path: join(dir, 'Downloads'), separator: '/' });
    expect(await at('sqlExport')).toBe(join(dir, 'dumps'));
    // A file's path: its folder. A path that does not exist yet: the nearest folder of it that does.
    expect(await at('sqlExport', join(dir, 'dumps', 'daily', 'shop.sql.gz'))).toBe(
      join(dir, 'dumps', 'daily'),
    );
    expect(await at('sqlExport', join(dir, 'dumps', 'weekly', 'x', 'shop.sql'))).toBe(join(dir, 'dumps'));
    // Relative, or only the root in common: the remembered folder.
    expect(await at('sqlExport', 'dumps/daily')).toBe(join(dir, 'dumps'));
    expect(await at('sqlExport', '/no-such-folder-here/shop.sql')).toBe(join(dir, 'dumps'));
    expect(await at('sqlExport', `${dir}/\u0000/shop.sql`)).toBe(join(dir, 'dumps'));

    // A remembered folder that has gone: Downloads; without Downloads: home.
    await rm(join(dir, 'dumps'), { recursive: true });
    expect(await at('sqlExport')).toBe(join(dir, 'Downloads'));
    await rm(join(dir, 'Downloads'), { recursive: true });
    expect(await at('keyExport')).toBe(dir);

    const homeless = service({ homeDir: join(dir, 'no-home') });
    const error = await refusal(homeless.start('download'));
    expect(error).toBeInstanceOf(LocalFileError);
    expect(error.message).toMatch(/Neither your Downloads folder nor your home folder .* can be opened/);
  });

  it('names the usual places that exist and the root', async () => {
    await mkdir(join(dir, 'Downloads'));
    await mkdir(join(dir, 'Documents'));
    expect(await service().places()).toEqual({
      roots: [{ name: '/', path: '/' }],
      places: [
        { name: 'Home', path: dir },
        { name: 'Documents', path: join(dir, 'Documents') },
        { name: 'Downloads', path: join(dir, 'Downloads') },
      ],
    });
  });
});
