import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import * as pty from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import { CORE_PROCESS_ENV } from '../../../electron/core-process/allocatorTuning.ts';
import { applyChange } from '../../../electron/core/settings/settingsRules.ts';
import { LocalTerminals, ptyOptions } from '../../../electron/core/terminals/LocalTerminals.ts';
import {
  checkShellSetting,
  chooseLocalShell,
  localShellEnv,
} from '../../../electron/core/terminals/localShell.ts';
import { DEFAULT_APP_SETTINGS } from '../../../shared/src/settings.ts';
import { exitOf, outputUntil } from '../support/terminalOutput.ts';

const WINDOWS_ENV = {
  Path: 'C:\\Windows\\system32;C:\\Windows;C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps',
  ProgramFiles: 'C:\\Program Files',
  SystemRoot: 'C:\\Windows',
  ComSpec: 'C:\\Windows\\system32\\cmd.exe',
};
const present =
  (...files: string[]) =>
  (path: string) =>
    files.includes(path);

describe('the shell a local tab starts', () => {
  it('on Windows: PowerShell 7, then Windows PowerShell, then cmd', () => {
    const pwsh7 = win32.join('C:\\Program Files', 'PowerShell', '7', 'pwsh.exe');
    const winPs = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
    const storePwsh = 'C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\pwsh.exe';
    const choose = (exists: (path: string) => boolean) =>
      chooseLocalShell({ platform: 'win32', env: WINDOWS_ENV, exists });
    expect(choose(present(pwsh7, winPs))).toEqual({ file: pwsh7, args: ['-NoLogo'] });
    expect(choose(present(storePwsh, winPs))).toEqual({ file: storePwsh, args: ['-NoLogo'] });
    expect(choose(present(winPs))).toEqual({ file: winPs, args: ['-NoLogo'] });
    expect(choose(present())).toEqual({ file: 'C:\\Windows\\system32\\cmd.exe', args: [] });
  });

  it('on macOS: the user’s shell as a login shell, zsh when nothing is recorded', () => {
    const mac = (env: NodeJS.ProcessEnv, recorded: string | null) =>
      chooseLocalShell({ platform: 'darwin', env, recordedShell: () => recorded });
    expect(mac({ SHELL: '/opt/homebrew/bin/fish' }, '/bin/zsh')).toEqual({
      file: '/opt/homebrew/bin/fish',
      args: ['-l'],
    });
    expect(mac({}, '/bin/bash')).toEqual({ file: '/bin/bash', args: ['-l'] });
    expect(mac({}, null)).toEqual({ file: '/bin/zsh', args: ['-l'] });
  });

  it('on Linux: the user’s shell, as terminal emulators start it', () => {
    expect(chooseLocalShell({ platform: 'linux', env: { SHELL: '/bin/bash' } })).toEqual({
      file: '/bin/bash',
      args: [],
    });
  });

  it('the shell from Settings, or a clear error naming it when it is gone', () => {
    const exists = present('/usr/local/bin/fish');
    expect(chooseLocalShell({ platform: 'darwin', env: {}, exists, setting: '/usr/local/bin/fish' })).toEqual(
      {
        file: '/usr/local/bin/fish',
        args: ['-l'],
      },
    );
    expect(() => chooseLocalShell({ platform: 'linux', env: {}, exists, setting: '/bin/nushell' })).toThrow(
      'The local shell in Settings, "/bin/nushell", does not exist on this computer',
    );
  });

  it('accepts only full paths in Settings, by each OS’s rules', () => {
    expect(checkShellSetting('  ', 'win32')).toBe('');
    expect(checkShellSetting('C:\\Program Files\\Git\\bin\\bash.exe', 'win32')).toBe(
      'C:\\Program Files\\Git\\bin\\bash.exe',
    );
    for (const bad of ['bash.exe', '\\bin\\bash.exe', 'C:bash.exe']) {
      expect(() => checkShellSetting(bad, 'win32'), bad).toThrow(/full path of a program/);
    }
    expect(() => checkShellSetting('bash', 'linux')).toThrow(/such as \/bin\/bash/);
    expect(() => applyChange(DEFAULT_APP_SETTINGS, { terminal: { localShell: 'zsh' } }, 'darwin')).toThrow(
      /full path of a program/,
    );
    expect(
      applyChange(DEFAULT_APP_SETTINGS, { terminal: { localShell: '/bin/zsh' } }, 'darwin').terminal,
    ).toEqual({ ...DEFAULT_APP_SETTINGS.terminal, localShell: '/bin/zsh' });
  });
});

describe('the environment a local shell gets', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/Users/me',
    MALLOC_MMAP_THRESHOLD_: '131072',
    ELECTRON_RUN_AS_NODE: '1',
    NODE_CHANNEL_FD: '3',
    EDITOR: 'vim',
  };

  it('drops what the app set for its own processes and keeps the user’s', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const env = localShellEnv(parent, platform);
      expect(env).toMatchObject({
        PATH: '/usr/bin',
        HOME: '/Users/me',
        EDITOR: 'vim',
        TERM: 'xterm-256color',
      });
      for (const own of ['MALLOC_MMAP_THRESHOLD_', 'ELECTRON_RUN_AS_NODE', 'NODE_CHANNEL_FD']) {
        expect(env, `${own} on ${platform}`).not.toHaveProperty(own);
      }
    }
  });

  it('drops every variable the core process is started with', () => {
    const env = localShellEnv({ ...parent, ...CORE_PROCESS_ENV }, 'linux');
    for (const own of Object.keys(CORE_PROCESS_ENV)) expect(env).not.toHaveProperty(own);
  });

  it('gives macOS a UTF-8 locale when Finder started the app with none', () => {
    expect(localShellEnv(parent, 'darwin').LANG).toBe('en_US.UTF-8');
    expect(localShellEnv({ ...parent, LANG: 'C' }, 'darwin').LANG).toBe('en_US.UTF-8');
    expect(localShellEnv({ ...parent, LANG: 'de_DE.UTF-8' }, 'darwin').LANG).toBe('de_DE.UTF-8');
    expect(localShellEnv(parent, 'linux')).not.toHaveProperty('LANG');
  });
});

describe('node-pty on Windows', () => {
  it('uses conpty.dll, whose kill does not fork a helper, and nowhere else', () => {
    const request = { cols: 80, rows: 24, cwd: 'C:\\Users\\me', env: {} };
    expect(ptyOptions('win32', request)).toMatchObject({ useConptyDll: true });
    expect(ptyOptions('darwin', request)).not.toHaveProperty('useConptyDll');
  });

  it('passes the option to node-pty’s spawn for a win32 core', async () => {
    const seen: unknown[] = [];
    const spawn = ((file: string, args: string[], options: pty.IPtyForkOptions) => {
      seen.push(options);
      // The real pty on this Linux machine: only the options are Windows'.
      const { useConptyDll: _dll, ...posix } = options as pty.IWindowsPtyForkOptions & pty.IPtyForkOptions;
      return pty.spawn('/bin/sh', ['-c', 'exit 0'], posix);
    }) as typeof pty.spawn;
    const terminals = new LocalTerminals({
      platform: 'win32',
      spawn,
      env: WINDOWS_ENV,
      shellSetting: () => '',
    });
    const { id } = await terminals.open({ cols: 80, rows: 24, cwd: tmpdir() });
    await exitOf(terminals, id);
    expect(seen).toEqual([expect.objectContaining({ useConptyDll: true })]);
  });
});

describe('local tabs through the real node-pty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-shell-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('start the shell from Settings with a clean environment', async () => {
    const shell = join(dir, 'my-shell');
    writeFileSync(shell, '#!/bin/sh\necho "shell=$0 malloc=${MALLOC_MMAP_THRESHOLD_:-unset} term=$TERM"\n');
    chmodSync(shell, 0o755);
    const terminals = new LocalTerminals({
      platform: 'linux',
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' },
      shellSetting: () => shell,
    });
    const { id } = await terminals.open({ cols: 100, rows: 24, cwd: dir });
    const printed = await outputUntil(terminals, id, /term=\S+/);
    expect(printed).toContain(`shell=${shell} malloc=unset term=xterm-256color`);
    await exitOf(terminals, id);
  });

  it('report a kill that throws as the tab’s end, and keep the others', async () => {
    let failKill = true;
    const spawn = ((file: string, args: string[], options: pty.IPtyForkOptions) => {
      const real = pty.spawn(file, args, options);
      if (!failKill) return real;
      failKill = false;
      // What node-pty's Windows agent can do when its helper cannot start: throw from kill().
      return Object.assign(Object.create(real) as pty.IPty, {
        kill: () => {
          real.kill();
          throw new Error('spawn EACCES');
        },
      });
    }) as typeof pty.spawn;
    const terminals = new LocalTerminals({ platform: 'linux', spawn, shellSetting: () => '/bin/sh' });
    const first = await terminals.open({ cols: 80, rows: 24, cwd: dir });
    const second = await terminals.open({ cols: 80, rows: 24, cwd: dir });
    const ended = exitOf(terminals, first.id);
    await expect(terminals.close(first.id)).resolves.toBeUndefined();
    expect(await ended).toMatchObject({
      code: null,
      reason: 'The local shell could not be stopped: spawn EACCES',
    });
    const answer = outputUntil(terminals, second.id, /\b42\b/);
    await terminals.write(second.id, 'echo $((6*7))\n');
    await answer;
    terminals.closeAll();
  });
});
