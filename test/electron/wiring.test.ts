import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Electron cannot run on these machines. What the safeguards do is proven by behaviour, through the
// functions main calls (hardening.test.ts, policy/*.test.ts); this checks in main's source that it
// calls them and wires the rest (the utility process, the protocol, the menu).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(folder: string): Map<string, string> {
  const dir = join(ROOT, folder);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.ts'),
  );
  return new Map(
    files.map((name) => [relative(ROOT, join(dir, name)), readFileSync(join(dir, name), 'utf8')]),
  );
}

/** The source without comments, so a safeguard named only in a comment does not count. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const main = sources('electron/main');
const mainCode = code([...main.values()].join('\n'));
const preload = code(readFileSync(join(ROOT, 'electron/preload/preload.ts'), 'utf8'));
const coreProcess = sources('electron/core-process');

describe('electron/main wires every safeguard', () => {
  it.each([
    ['requestSingleInstanceLock', /app\.requestSingleInstanceLock\(\)/],
    ['utilityProcess.fork', /utilityProcess\.fork\(/],
    ["the core process's allocator setting", /env: \{ \.\.\.process\.env, \.\.\.CORE_PROCESS_ENV \}/],
    ['MessageChannelMain', /new MessageChannelMain\(\)/],
    ['protocol.handle', /protocol\.handle\(APP_SCHEME/],
    ['registerSchemesAsPrivileged', /registerSchemesAsPrivileged\(/],
    ['the web preferences', /webPreferences: secureWebPreferences\(/],
    ['the CSP on app:// answers', /appResponseHeaders\(\)/],
    // What these do is proven in hardening.test.ts; here, that main applies them.
    ['the permission policy on the default session', /restrictPermissions\(session\.defaultSession, log\)/],
    [
      'the lock-down of every web contents',
      /lockDownWebContents\(app, \(url\) => void shell\.openExternal\(url\), log\)/,
    ],
    ['the application menu', /Menu\.setApplicationMenu\(/],
    ['the window state', /new WindowStateFile\(/],
    ['the log file', /openLogFile\(/],
  ])('%s', (_name, pattern) => {
    expect(mainCode).toMatch(pattern);
  });

  it('opens the page from app://, never from a file', () => {
    expect(mainCode).toMatch(/loadURL\(APP_ENTRY\)/);
    expect(mainCode).not.toMatch(/loadFile\(|file:\/\//);
  });

  it('hands the port only through answerConnect, which validates the sender (hardening.test.ts)', () => {
    expect(mainCode).toMatch(
      /ipcMain\.on\('enscale:connect', \(event\) => void answerConnect\(event, core, log\)\)/,
    );
    expect(mainCode.match(/core\.connect\(/g) ?? []).toHaveLength(1);
    expect(mainCode).toMatch(/postMessage\('enscale:port', null, \[port2\]\)/);
    expect(mainCode).not.toMatch(/ipcMain\.handle\((?!FOLDER_CHANNEL,)|ipcMain\.on\('(?!enscale:connect')/);
  });

  it('answers the folder dialog only as policy/folderDialog.ts decides (folderDialog.test.ts)', () => {
    expect(mainCode).toMatch(/ipcMain\.handle\(FOLDER_CHANNEL, /);
    expect(mainCode).toMatch(
      /folderDialogFor\(frame && \{ url: frame\.url, isMainFrame: frame\.parent === null \}, request\)/,
    );
    expect(mainCode).toMatch(/dialog\.showOpenDialog\(window, decided\.options\)/);
    expect(mainCode).toMatch(/answerFolderDialogs\(log\)/);
  });

  it('keeps electron out of the policy modules (they run in plain Node)', () => {
    for (const [file, text] of main) {
      if (file.includes('/policy/')) expect(text, file).not.toMatch(/from 'electron'/);
    }
  });
});

describe('electron/preload', () => {
  it('exposes a small bridge and hands the port to the page', () => {
    expect(preload).toMatch(/contextBridge\.exposeInMainWorld\('enscaleDesktop', bridge\)/);
    expect(preload).toMatch(/webUtils\.getPathForFile\(file\)/);
    expect(preload).toMatch(/ipcRenderer\.on\(PORT_CHANNEL/);
    expect(preload).toMatch(/window\.postMessage\(PORT_CHANNEL, '\/', \[port\]\)/);
    expect(preload).not.toMatch(
      /ipcRenderer\.invoke\((?!FOLDER_CHANNEL,)|exposeInMainWorld\([^)]*ipcRenderer/,
    );
  });

  it('speaks main’s channel names', () => {
    expect(preload).toMatch(/PORT_CHANNEL = 'enscale:port'/);
    expect(preload).toMatch(/CONNECT_CHANNEL = 'enscale:connect'/);
    expect(mainCode).toContain("'enscale:connect'");
    expect(mainCode).toContain("'enscale:port'");
    expect(preload).toMatch(/FOLDER_CHANNEL = 'enscale:choose-folder'/);
    expect(mainCode).toContain("FOLDER_CHANNEL = 'enscale:choose-folder'");
  });

  it('imports nothing but electron (a sandboxed preload has no Node)', () => {
    const imports = [...preload.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['electron']);
  });
});

describe('electron/core-process', () => {
  it('takes only types from electron and serves the core over its port', () => {
    const all = code([...coreProcess.values()].join('\n'));
    expect(all).not.toMatch(/^import (?!type )[^;]*from 'electron'/m);
    expect(all).toMatch(/new RpcHost\(messagePortMainChannel\(port\), services\)/);
    expect(all).toMatch(/new Core\(\{[\s\S]*?interactive: true/);
    expect(all).toMatch(/process\.parentPort\.on\('message'/);
  });
});
