import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { posix, win32 } from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { LocalPlatform } from '../transfers/localNames.ts';

/** The program a local tab runs, with its arguments. */
export interface ShellProgram {
  file: string;
  args: string[];
}

/** What choosing a shell depends on; injected so Windows and macOS are decided in tests on Linux. */
export interface ShellContext {
  platform: LocalPlatform;
  env: NodeJS.ProcessEnv;
  /** Whether a program file exists (Windows: looked up on PATH and in the usual folders). */
  exists?: (path: string) => boolean;
  /** The login shell the OS records for the user, when it records one. */
  recordedShell?: () => string | null;
  /** The Settings value: '' for the system's shell, else a program's absolute path. */
  setting?: string;
}

const recorded = (): string | null => {
  try {
    return userInfo().shell;
  } catch {
    return null;
  }
};

/**
 * The shell a local tab starts. Windows: PowerShell 7 where installed, then Windows PowerShell
 * (every Windows 10/11 has it), then cmd.exe — the order Windows Terminal offers them in. macOS: the
 * user's shell as a login shell (`-l`), as Terminal.app starts it: a window opened from Finder has
 * launchd's bare environment, and only a login shell reads /etc/zprofile's path_helper (Homebrew's
 * PATH) and the user's profile. Linux: the user's shell, as a terminal emulator starts it.
 */
export function chooseLocalShell(context: ShellContext): ShellProgram {
  const { platform, env } = context;
  const exists = context.exists ?? existsSync;
  const setting = context.setting?.trim() ?? '';
  if (setting !== '') {
    if (!exists(setting)) {
      throw new InvalidInput(
        `The local shell in Settings, ${JSON.stringify(setting)}, does not exist on this computer: correct it, or clear the field for the system's shell.`,
      );
    }
    return { file: setting, args: platform === 'darwin' ? ['-l'] : [] };
  }
  if (platform === 'win32') return windowsShell(env, exists);
  const shell =
    env['SHELL'] || (context.recordedShell ?? recorded)() || (platform === 'darwin' ? '/bin/zsh' : '/bin/sh');
  return { file: shell, args: platform === 'darwin' ? ['-l'] : [] };
}

function windowsShell(env: NodeJS.ProcessEnv, exists: (path: string) => boolean): ShellProgram {
  // Windows variables are case-insensitive; node's process.env is too, an injected object is not.
  const get = (name: string) =>
    Object.entries(env).find(([key]) => key.toUpperCase() === name.toUpperCase())?.[1] ?? undefined;
  const onPath = (get('PATH') ?? '')
    .split(';')
    .filter(Boolean)
    .map((dir) => win32.join(dir, 'pwsh.exe'));
  const programFiles = get('ProgramFiles') ?? 'C:\\Program Files';
  const systemRoot = get('SystemRoot') ?? 'C:\\Windows';
  const candidates: ShellProgram[] = [
    ...[...onPath, win32.join(programFiles, 'PowerShell', '7', 'pwsh.exe')].map((file) => ({
      file,
      args: ['-NoLogo'],
    })),
    {
      file: win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
      args: ['-NoLogo'],
    },
  ];
  return (
    candidates.find((candidate) => exists(candidate.file)) ?? {
      file: get('COMSPEC') ?? win32.join(systemRoot, 'System32', 'cmd.exe'),
      args: [],
    }
  );
}

/**
 * Variables the app sets for itself: Electron's, node's fork channel, and the core process's
 * allocator setting (electron/core-process/allocatorTuning.ts; localShell.test.ts checks every
 * variable there is dropped).
 */
const OWN_VARIABLES = /^(ELECTRON_|NODE_CHANNEL_|NODE_UNIQUE_ID$|MALLOC_MMAP_THRESHOLD_$)/;

/**
 * The environment a local shell gets: the user's, less what the app set for its own processes —
 * the core's malloc threshold would otherwise change every program the user runs — with TERM for
 * xterm.js, and on macOS a UTF-8 locale when none is set (a Finder-started app has none, and a C
 * locale shows every non-ASCII file name as `?`).
 */
export function localShellEnv(parent: NodeJS.ProcessEnv, platform: LocalPlatform): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined || OWN_VARIABLES.test(key)) continue;
    env[key] = value;
  }
  env['TERM'] = 'xterm-256color';
  env['COLORTERM'] = 'truecolor';
  if (platform === 'darwin') {
    const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
    if (locale === '' || locale === 'C' || locale === 'POSIX') env['LANG'] = 'en_US.UTF-8';
  }
  return env;
}

/** Checks a shell path from Settings: absolute by the OS's own rules, or empty for the system's. */
export function checkShellSetting(value: unknown, platform: LocalPlatform): string {
  if (typeof value !== 'string') throw new InvalidInput('The local shell must be a program path, or empty.');
  const path = value.trim();
  if (path === '') return '';
  const absolute =
    platform === 'win32'
      ? win32.isAbsolute(path) && /^([a-z]:[\\/]|\\\\)/i.test(path)
      : posix.isAbsolute(path);
  if (!absolute || path.length > 1024) {
    throw new InvalidInput(
      `The local shell must be the full path of a program, such as ${platform === 'win32' ? 'C:\\Program Files\\Git\\bin\\bash.exe' : '/bin/bash'}; ${JSON.stringify(path.slice(0, 80))} is not.`,
    );
  }
  return path;
}
