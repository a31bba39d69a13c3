import { describe, expect, it } from 'vitest';
import { openerCommand, systemOpenPath } from '../../../electron/core/system/openPath.ts';

/*
 * The OS's own opener, as the browser host and the CLI use it (the desktop passes Electron's
 * shell.openPath). Each platform's program is proven by its command line; only Linux's runs here.
 */

const paths = [
  '/Users/ann/Library/Application Support/Enscale SSH/cache/edits/1-ab/file/site.conf',
  'C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH\\cache\\edits\\1-ab\\file\\a & b %TEMP%.txt',
  '-rf',
];

describe('the OS opener', () => {
  it.each(paths)('macOS: `open -- PATH`, so a path like %s is never an option', (path) => {
    expect(openerCommand('darwin', path)).toEqual({ file: 'open', args: ['--', path] });
  });

  it.each(paths)('Windows: Explorer with the path as its one argument (%s), no cmd /c start', (path) => {
    expect(openerCommand('win32', path)).toEqual({ file: 'explorer.exe', args: [path] });
  });

  it.each(paths)('Linux: xdg-open PATH (%s)', (path) => {
    expect(openerCommand('linux', path)).toEqual({ file: 'xdg-open', args: [path] });
  });

  it('says the opener did not start when the program is missing', async () => {
    // Explorer does not exist on this machine: the promise rejects with the path and the reason.
    await expect(systemOpenPath('win32')('/tmp/some file.txt')).rejects.toThrow(
      /Could not open \/tmp\/some file\.txt: explorer\.exe did not start \(.*ENOENT/,
    );
  });
});
