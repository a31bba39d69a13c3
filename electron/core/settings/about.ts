import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's package name: the package.json that carries it is the app's own, not a dependency's. */
const APP_PACKAGE = 'enscale-ssh';

/**
 * The app's version from its package.json, found by walking up from this module: the repository's
 * when run from source (tsx), the same from `out/desktop/` when bundled, `app.asar`'s when packaged.
 * Null when none is found (a host that copied the core elsewhere).
 */
export async function findAppVersion(from = fileURLToPath(import.meta.url)): Promise<string | null> {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    try {
      const parsed = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (parsed.name === APP_PACKAGE && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // No package.json here, or not JSON: keep walking up.
    }
    if (dirname(dir) === dir) return null;
  }
}

/** `~/Downloads` when it is a folder, else the home folder: where an export is suggested. */
export async function downloadsDir(home = homedir()): Promise<string> {
  const downloads = join(home, 'Downloads');
  const found = await stat(downloads).catch(() => undefined);
  return found?.isDirectory() ? downloads : home;
}

/** Electron's and Chromium's versions exist only in Electron's processes (the core's utility process). */
export function runtimeVersions(versions: NodeJS.ProcessVersions = process.versions) {
  return {
    node: versions.node,
    electron: versions.electron ?? null,
    chromium: versions.chrome ?? null,
  };
}

export const pathSeparator = (): '/' | '\\' => (sep === '\\' ? '\\' : '/');
