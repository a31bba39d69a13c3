import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data folder used when no `--profile` is given, where each OS keeps such things. */
export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'enscale-ssh');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'enscale-ssh');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'enscale-ssh');
}
