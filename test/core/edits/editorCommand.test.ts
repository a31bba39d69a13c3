import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runsWhenOpened, splitCommandLine, startEditor } from '../../../electron/core/edits/editorCommand.ts';
import { editorCommand } from '../../../electron/core/settings/settingsRules.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { until } from './scriptedEditor.ts';

const scratch = mkdtempSync(join(tmpdir(), 'editor-command-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the editor command from Settings, split as each OS would', () => {
  it.each([
    ['code --wait', ['code', '--wait']],
    ['  subl   -w  ', ['subl', '-w']],
    [
      '"/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl" -w',
      ['/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl', '-w'],
    ],
    ["open -W -a 'BBEdit 15'", ['open', '-W', '-a', 'BBEdit 15']],
    ['/opt/My\\ Editor/edit --new-window', ['/opt/My Editor/edit', '--new-window']],
    ['emacsclient -c -a ""', ['emacsclient', '-c', '-a', '']],
    ['edit "say \\"hi\\"" \'a\\b\'', ['edit', 'say "hi"', 'a\\b']],
    // No shell reads it: variables, separators and redirections are plain words.
    ['vim $HOME; rm -rf / | tee >x', ['vim', '$HOME;', 'rm', '-rf', '/', '|', 'tee', '>x']],
  ])('on macOS and Linux: %s', (command, words) => {
    expect(splitCommandLine(command, 'darwin')).toEqual(words);
    expect(splitCommandLine(command, 'linux')).toEqual(words);
  });

  it.each([
    ['code --wait', ['code', '--wait']],
    [
      '"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst -nosession',
      ['C:\\Program Files\\Notepad++\\notepad++.exe', '-multiInst', '-nosession'],
    ],
    ['C:\\Tools\\edit.exe /wait', ['C:\\Tools\\edit.exe', '/wait']],
    [
      '"C:\\Users\\Ann\\AppData\\Local\\Programs\\Microsoft VS Code\\bin\\code.cmd" --wait',
      ['C:\\Users\\Ann\\AppData\\Local\\Programs\\Microsoft VS Code\\bin\\code.cmd', '--wait'],
    ],
    // Single quotes mean nothing to Windows; %VAR% and & are not expanded (no shell).
    ["notepad 'a b' %TEMP% & del", ['notepad', "'a", "b'", '%TEMP%', '&', 'del']],
  ])('on Windows: %s', (command, words) => {
    expect(splitCommandLine(command, 'win32')).toEqual(words);
  });

  it('refuses a quote left open, saying which', () => {
    expect(() => splitCommandLine('"C:\\Program Files\\x.exe --wait', 'win32')).toThrow(InvalidInput);
    expect(() => splitCommandLine("open -a 'TextEdit", 'darwin')).toThrow(/a ' without its closing one/);
    expect(() => splitCommandLine('code "--wait', 'linux')).toThrow(/a " without its closing one/);
  });
});

describe('files the OS would run rather than open', () => {
  it.each([
    ['win32', 'deploy.BAT', true],
    ['win32', 'setup.exe', true],
    ['win32', 'profile.ps1', true],
    ['win32', 'site.url', true],
    ['win32', 'notes.txt', false],
    ['win32', 'Makefile', false],
    ['darwin', 'build.command', true],
    ['darwin', 'Tool.app', true],
    ['darwin', 'deploy.bat', false],
    ['darwin', 'script.sh', false],
    ['linux', 'start.desktop', true],
    ['linux', 'tool.AppImage', true],
    ['linux', 'deploy.exe', false],
    ['linux', 'nginx.conf', false],
  ] as const)('%s: %s → %s', (platform, name, runs) => {
    expect(runsWhenOpened(name, platform)).toBe(runs);
  });
});

describe('starting the editor', () => {
  it('passes the words and the path as they are, through no shell', async () => {
    const out = join(scratch, 'argv.json');
    // The program records what it was given; the path holds what a shell would expand or split.
    const path = join(scratch, "it's $HOME; a & b %PATH% `id`.txt");
    const script = "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))";
    const command = `'${process.execPath}' -e "${script}" '${out}' --wait '$USER'`;
    const editor = await startEditor(command, path, 'linux');
    expect(editor.program).toBe(process.execPath);
    expect(await editor.exited).toEqual({ code: 0, stderr: '' });
    const argv = await until(() => {
      try {
        return JSON.parse(readFileSync(out, 'utf8')) as string[];
      } catch {
        return undefined;
      }
    });
    expect(argv).toEqual(['--wait', '$USER', path]);
  });

  it('reports the status and stderr of an editor that fails', async () => {
    const editor = await startEditor(
      `'${process.execPath}' -e "process.stderr.write('no display'); process.exit(3)"`,
      join(scratch, 'x.txt'),
      'linux',
    );
    expect(await editor.exited).toEqual({ code: 3, stderr: 'no display' });
  });

  it('says what to do when the program is not there', async () => {
    await expect(startEditor('no-such-editor-anywhere -w', '/tmp/x', 'linux')).rejects.toThrow(
      /The editor “no-such-editor-anywhere” was not found\. Give its full path in Settings → Editor/,
    );
    await expect(startEditor('   ', '/tmp/x', 'linux')).rejects.toThrow(/empty/);
  });
});

describe('Settings → Editor', () => {
  it('refuses a command "Edit" could not split, when it is saved', () => {
    expect(editorCommand(' code --wait ', 'linux')).toBe('code --wait');
    expect(editorCommand('"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst', 'win32')).toBe(
      '"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst',
    );
    expect(() => editorCommand('"C:\\Program Files\\Notepad++\\notepad++.exe -multiInst', 'win32')).toThrow(
      /without its closing one/,
    );
  });
});
