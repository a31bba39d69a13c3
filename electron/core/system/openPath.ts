import { spawn } from 'node:child_process';
import type { LocalPlatform } from '../transfers/localNames.ts';
import { currentLocalPlatform } from '../transfers/localNames.ts';

/**
 * Opens a local file in the application the OS has for its type, or a folder in the file manager.
 * The desktop shell passes Electron's `shell.openPath` instead (through the core process's parent
 * port); the browser host and the CLI use the OS's own opener below.
 */
export type OpenPath = (path: string) => Promise<void>;

/** The opener program each OS has, run without a shell so no character of the path is interpreted. */
export function openerCommand(platform: LocalPlatform, path: string): { file: string; args: string[] } {
  switch (platform) {
    case 'darwin':
      return { file: 'open', args: ['--', path] };
    // Explorer opens a file with its type's application and a folder in a window of its own;
    // `cmd /c start` would read `&`, `^` and `%` in the path as its own syntax.
    case 'win32':
      return { file: 'explorer.exe', args: [path] };
    default:
      return { file: 'xdg-open', args: [path] };
  }
}

/**
 * The OS opener for `platform`. Refuses with the program's own words when it cannot start or
 * exits non-zero — except Explorer, which exits 1 even when it opened the path.
 */
export function systemOpenPath(platform: LocalPlatform = currentLocalPlatform()): OpenPath {
  return (path) =>
    new Promise((resolve, reject) => {
      const { file, args } = openerCommand(platform, path);
      const child = spawn(file, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: platform !== 'win32',
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < 2000) stderr += chunk;
      });
      child.once('error', (error) =>
        reject(new Error(`Could not open ${path}: ${file} did not start (${error.message}).`)),
      );
      child.once('exit', (code) => {
        if (code === 0 || platform === 'win32') resolve();
        else
          reject(
            new Error(
              `Could not open ${path}: ${file} exited with status ${code ?? 'unknown'}${stderr.trim() ? ` (${stderr.trim()})` : ''}.`,
            ),
          );
      });
      child.unref();
    });
}
