import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isCoreProcessCommand,
  isOpenPathAnswer,
  isOpenPathRequest,
  type OpenPathRequest,
} from '../../electron/core-process/commandLine.ts';
import { OpenPathBridge } from '../../electron/core-process/openPathBridge.ts';

/*
 * The desktop's `openPath`: the core (a utility process, no `shell`) asks main over the parent port,
 * main answers with what Electron's `shell.openPath` said. Electron cannot run here: the messages and
 * the bridge are proven in Node, and main's source is checked to answer with `shell.openPath`.
 */

const ROOT = new URL('../../', import.meta.url);
const source = (path: string) =>
  readFileSync(fileURLToPath(new URL(path, ROOT)), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('opening a file with its application from the core process', () => {
  it('settles each call with its own answer: opened, or refused with the words of shell.openPath', async () => {
    const posted: OpenPathRequest[] = [];
    const bridge = new OpenPathBridge((request) => posted.push(request));
    const first = bridge.openPath('/home/ann/.config/Enscale SSH/cache/edits/1-ab/file/site.conf');
    const second = bridge.openPath('C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH\\session-logs');
    expect(posted).toEqual([
      { kind: 'openPath', id: 1, path: '/home/ann/.config/Enscale SSH/cache/edits/1-ab/file/site.conf' },
      { kind: 'openPath', id: 2, path: 'C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH\\session-logs' },
    ]);
    bridge.answer({ kind: 'openPath', id: 2, error: 'Failed to open path' });
    bridge.answer({ kind: 'openPath', id: 1, error: '' });
    // An answer to nothing asked (a repeat) changes nothing.
    bridge.answer({ kind: 'openPath', id: 1, error: 'late' });
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow(
      'Could not open C:\\Users\\Ann\\AppData\\Roaming\\Enscale SSH\\session-logs: Failed to open path',
    );
  });

  it('main takes only a full, one-line path from the core', () => {
    expect(isOpenPathRequest({ kind: 'openPath', id: 3, path: '/tmp/a b.txt' })).toBe(true);
    expect(isOpenPathRequest({ kind: 'openPath', id: 3, path: 'C:\\Temp\\a.txt' })).toBe(true);
    for (const junk of [
      null,
      'openPath',
      { kind: 'openPath', id: 3 },
      { kind: 'openPath', id: '3', path: '/tmp/a' },
      { kind: 'openPath', id: 3, path: 'relative/a.txt' },
      { kind: 'openPath', id: 3, path: '/tmp/a\nb' },
      { kind: 'openPath', id: 3, path: '/tmp/a\u0000b' },
      { kind: 'openPath', id: 3, path: `/${'a'.repeat(5000)}` },
      { kind: 'activity' },
    ])
      expect(isOpenPathRequest(junk)).toBe(false);
    expect(isOpenPathAnswer({ kind: 'openPath', id: 3, error: '' })).toBe(true);
    expect(isOpenPathAnswer({ kind: 'openPath', id: 3, path: '/tmp/a' })).toBe(false);
    // An answer is not one of main's commands, and the other way round.
    expect(isCoreProcessCommand({ kind: 'openPath', id: 3, error: '' })).toBe(false);
  });

  it('is wired: the core process posts its requests and takes the answers; main answers with shell.openPath', () => {
    const core = source('electron/core-process/main.ts');
    expect(core).toMatch(/new OpenPathBridge\(\(request\) => process\.parentPort\.postMessage\(request\)\)/);
    expect(core).toMatch(/openPath: opener\.openPath/);
    expect(core).toMatch(/if \(isOpenPathAnswer\(command\)\) return opener\.answer\(command\)/);
    const main = source('electron/main/coreProcess.ts');
    expect(main).toMatch(/if \(!isOpenPathRequest\(message\)\) return;/);
    expect(main).toMatch(/shell\.openPath\(message\.path\)\.then\(answer,/);
    expect(main).toMatch(/child\.postMessage\(\{ kind: 'openPath', id: message\.id, error \}/);
  });
});
