import { stat } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import path from 'node:path';

/**
 * The desktop app's folder name. Electron puts userData under `appData/<productName>`; the CLI and the
 * browser host used `enscale-ssh`, so each kept its own keys and known_hosts. Everyone now uses this one.
 */
export const PROFILE_FOLDER = 'Enscale SSH';
/** The CLI's folder name before it shared the app's. */
const OLD_CLI_FOLDER = 'enscale-ssh';

export type ProfilePlatform = 'win32' | 'darwin' | 'linux';

export interface ProfileDirOptions {
  /** `--profile`, when given: wins over everything. */
  readonly profile?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly homedir?: string;
  /** What a relative `--profile` or ENSCALE_SSH_PROFILE is resolved against. */
  readonly cwd?: string;
}

function pathsOf(platform: NodeJS.Platform): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Where each OS keeps per-user application data, as Electron's `app.getPath('appData')` finds it:
 * %APPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere.
 */
export function osProfileDir(options: ProfileDirOptions = {}, folder = PROFILE_FOLDER): string {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const home = options.homedir ?? osHomedir();
  const paths = pathsOf(platform);
  if (platform === 'win32') return paths.join(env.APPDATA || paths.join(home, 'AppData', 'Roaming'), folder);
  if (platform === 'darwin') return paths.join(home, 'Library', 'Application Support', folder);
  // XDG says a relative XDG_CONFIG_HOME is invalid and to be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return paths.join(xdg && paths.isAbsolute(xdg) ? xdg : paths.join(home, '.config'), folder);
}

/**
 * What to tell a CLI user whose data is still in the CLI's old folder, when no profile was chosen: the
 * CLI no longer reads it, and moving it is theirs to do (the app may already have data of its own).
 */
export async function oldCliFolderNote(options: ProfileDirOptions = {}): Promise<string | undefined> {
  if (chosenProfileDir(options)) return undefined;
  const old = osProfileDir(options, OLD_CLI_FOLDER);
  const found = await stat(old).catch(() => undefined);
  if (!found?.isDirectory()) return undefined;
  return (
    `enscale-ssh: note: ${old} holds data from an older enscale-ssh, which now uses the desktop app's folder ` +
    `${osProfileDir(options)}. Move its contents there (or pass --profile ${JSON.stringify(old)}); remove it to silence this note.`
  );
}

/** `--profile` > ENSCALE_SSH_PROFILE, absolute; undefined when neither is given. */
export function chosenProfileDir(options: ProfileDirOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const chosen = options.profile || env.ENSCALE_SSH_PROFILE;
  if (!chosen) return undefined;
  const paths = pathsOf(options.platform ?? process.platform);
  return paths.resolve(options.cwd ?? process.cwd(), chosen);
}

/** The profile folder for the desktop app, the CLI and the browser host alike. */
export function profileDir(options: ProfileDirOptions = {}): string {
  return chosenProfileDir(options) ?? osProfileDir(options);
}
