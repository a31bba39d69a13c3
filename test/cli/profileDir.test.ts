import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chosenProfileDir, osProfileDir, profileDir } from '../../electron/core/profileDir.ts';
import { parseCommandLine as parseWebHostLine } from '../../electron/webhost/options.ts';

const BIN = fileURLToPath(new URL('../../bin/enscale-ssh.js', import.meta.url));

describe('profileDir: one folder for the app, the CLI and the browser host', () => {
  // What Electron's app.getPath('appData') gives on each OS, joined with the productName.
  it.each([
    {
      platform: 'win32' as const,
      env: { APPDATA: 'C:\\Users\\Ann\\AppData\\Roaming' },
      home: 'C:\\Users\\Ann',
      want: 'C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH',
    },
    {
      platform: 'win32' as const,
      env: {},
      home: 'C:\\Users\\Ann',
      want: 'C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH',
    },
    {
      platform: 'darwin' as const,
      env: { XDG_CONFIG_HOME: '/Users/ann/.config' },
      home: '/Users/ann',
      want: '/Users/ann/Library/Application Support/Enscale SSH',
    },
    {
      platform: 'linux' as const,
      env: { XDG_CONFIG_HOME: '/home/ann/conf' },
      home: '/home/ann',
      want: '/home/ann/conf/Enscale SSH',
    },
    { platform: 'linux' as const, env: {}, home: '/home/ann', want: '/home/ann/.config/Enscale SSH' },
    // XDG: a relative XDG_CONFIG_HOME is invalid and ignored.
    {
      platform: 'linux' as const,
      env: { XDG_CONFIG_HOME: 'conf' },
      home: '/home/ann',
      want: '/home/ann/.config/Enscale SSH',
    },
  ])('the OS default on $platform with $env', ({ platform, env, home, want }) => {
    expect(osProfileDir({ platform, env, homedir: home })).toBe(want);
    expect(profileDir({ platform, env, homedir: home })).toBe(want);
  });

  it('--profile wins over ENSCALE_SSH_PROFILE, which wins over the OS default; relative ones are made absolute', () => {
    const env = { ENSCALE_SSH_PROFILE: 'D:\\work\\p', APPDATA: 'C:\\A' };
    const win = { platform: 'win32' as const, env, homedir: 'C:\\Users\\Ann', cwd: 'C:\\here' };
    expect(profileDir({ ...win, profile: 'q' })).toBe('C:\\here\\q');
    expect(profileDir(win)).toBe('D:\\work\\p');
    expect(profileDir({ ...win, env: { APPDATA: 'C:\\A' } })).toBe('C:\\A\\Enscale SSH');
    expect(chosenProfileDir({ ...win, env: {} })).toBeUndefined();
    const mac = { platform: 'darwin' as const, env: { ENSCALE_SSH_PROFILE: 'rel' }, cwd: '/Users/ann' };
    expect(profileDir(mac)).toBe('/Users/ann/rel');
  });
});

describe('the browser host finds its profile the same way', () => {
  it('--profile > ENSCALE_SSH_PROFILE > a temporary profile (never the desktop app folder)', () => {
    const env = { ENSCALE_SSH_PROFILE: '/data/chosen', XDG_CONFIG_HOME: '/home/ann/.config' };
    expect(parseWebHostLine(['--profile', '/data/given'], env).profile).toBe('/data/given');
    expect(parseWebHostLine([], env).profile).toBe('/data/chosen');
    expect(parseWebHostLine([], { XDG_CONFIG_HOME: '/home/ann/.config' }).profile).toBeUndefined();
  });
});

describe('the real CLI finds its profile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enscale-profile-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The real command with no --profile, HOME and XDG_CONFIG_HOME inside the test's folder. */
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          ...process.env,
          ENSCALE_SSH_PROFILE: '',
          HOME: join(dir, 'home'),
          XDG_CONFIG_HOME: join(dir, 'config'),
          ENSCALE_SSH_KEYCHAIN_SERVICE: `enscale-ssh-test-profile-${process.pid}`,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('honours ENSCALE_SSH_PROFILE, --profile over it, and defaults to the desktop app folder', async () => {
    const chosen = join(dir, 'chosen');
    const used = await run(['platform', 'use', 'enscale'], { ENSCALE_SSH_PROFILE: chosen });
    expect(used.stderr).toBe('');
    expect(used.code).toBe(0);
    expect(await readdir(chosen)).not.toHaveLength(0);
    const shown = await run(['platform', 'show', '--json'], { ENSCALE_SSH_PROFILE: chosen });
    expect(shown.stdout).toMatch(/enscale/i);

    // --profile names another folder: it has no platform, whatever ENSCALE_SSH_PROFILE says.
    const other = join(dir, 'other');
    const overridden = await run(['--profile', other, 'platform', 'show', '--json'], {
      ENSCALE_SSH_PROFILE: chosen,
    });
    expect(overridden.stdout).not.toBe(shown.stdout);

    // Neither: the folder the desktop app uses (Electron's appData/productName).
    const byDefault = await run(['platform', 'use', 'enscale'], {});
    expect(byDefault.code).toBe(0);
    expect(await readdir(join(dir, 'config', 'Enscale SSH'))).not.toHaveLength(0);
    expect(byDefault.stderr).toBe('');

    // Data left in the CLI's old folder is not lost in silence: each run says where it is and what to do.
    await mkdir(join(dir, 'config', 'enscale-ssh'));
    const noted = await run(['platform', 'show', '--json'], {});
    expect(noted.stderr).toContain(
      `${join(dir, 'config', 'enscale-ssh')} holds data from an older enscale-ssh`,
    );
    expect(noted.stderr).toContain(`Move its contents there (or pass --profile`);
    const chosenRun = await run(['platform', 'show', '--json'], { ENSCALE_SSH_PROFILE: chosen });
    expect(chosenRun.stderr).toBe('');
  });
});
