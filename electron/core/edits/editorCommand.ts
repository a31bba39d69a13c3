import type CrossSpawn from 'cross-spawn';
import { lazyModule } from '../system/lazyModule.ts';
import { posix, win32 } from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { LocalPlatform } from '../transfers/localNames.ts';

const crossSpawn = lazyModule<typeof CrossSpawn>('cross-spawn');

/**
 * The editor command from Settings (`code --wait`, `"C:\Program Files\Notepad++\notepad++.exe"
 * -multiInst`) as a program and its arguments, the way the platform's own shell would split it —
 * but nothing is ever run through a shell, so `$HOME`, `%PATH%`, `;` or `|` stay plain text.
 *
 * - macOS and Linux: whitespace separates; '…' keeps everything as is; "…" keeps all but `\"`,
 *   `\\`, `\$` and `` \` ``; outside quotes `\` keeps the next character (`My\ Editor`).
 * - Windows: whitespace separates and "…" groups, as CommandLineToArgvW does for paths; a backslash
 *   is a path separator, never an escape, so `C:\Tools\edit.exe` stays whole.
 */
export function splitCommandLine(command: string, platform: LocalPlatform): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const windows = platform === 'win32';
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (
        !windows &&
        quote === '"' &&
        c === '\\' &&
        i + 1 < command.length &&
        '"\\$`'.includes(command[i + 1] as string)
      )
        word += command[++i];
      else word += c;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === '"' || (c === "'" && !windows)) quote = c;
      else if (c === '\\' && !windows && i + 1 < command.length) word += command[++i];
      else word += c;
    }
  }
  if (quote)
    throw new InvalidInput(`The editor command has a ${quote} without its closing one: ${command}`, {
      command,
    });
  if (inWord) words.push(word);
  return words;
}

/**
 * Whether the OS would run a file of this name rather than open it in an editor, were it handed to
 * the default application (Explorer, `open`, `xdg-open`): a node's `deploy.bat` or `setup.command`
 * opened that way would run on this computer. Such files are edited only with an editor from Settings.
 */
export function runsWhenOpened(name: string, platform: LocalPlatform): boolean {
  const extension = (platform === 'win32' ? win32 : posix).extname(name).toLowerCase();
  return RUNNABLE[platform].has(extension);
}

const RUNNABLE: Record<LocalPlatform, ReadonlySet<string>> = {
  // Windows' PATHEXT, the script hosts, installers, shortcuts and the other types Explorer runs.
  win32: new Set(
    [
      'exe com bat cmd vbs vbe js jse wsf wsh msc ps1 psm1 scr pif msi msp mst hta cpl lnk url',
      'reg jar appref-ms application gadget inf scf settingcontent-ms library-ms website xbap',
    ]
      .join(' ')
      .split(' ')
      .map((e) => `.${e}`),
  ),
  // Finder runs these (Terminal scripts, apps, Automator workflows, installers, Java archives).
  darwin: new Set(
    '.app .command .tool .terminal .workflow .action .pkg .mpkg .jar .fileloc .webloc .inetloc'.split(' '),
  ),
  // Desktop launchers; the copy is never executable (mode 600), which stops the rest.
  linux: new Set(['.desktop', '.appimage', '.jar']),
};

/** What the editor process did once started: its exit status and first words on stderr. */
export interface EditorProcess {
  /** The program as the user knows it (the first word of the command). */
  program: string;
  /** Settles when the program ends: its status (null when killed) and what it printed on stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
}

/**
 * Starts the editor on `path`: the Settings command's words with the path last, no shell. cross-spawn
 * finds `code` as `code.cmd` on Windows and quotes for cmd.exe, which Node alone refuses to run since
 * CVE-2024-27980. Resolves once the program runs; rejects with what to fix when it cannot start.
 */
export async function startEditor(
  command: string,
  path: string,
  platform: LocalPlatform,
): Promise<EditorProcess> {
  const [program, ...args] = splitCommandLine(command, platform);
  if (!program) throw new InvalidInput('The editor command is empty: choose an editor in Settings → Editor.');
  return new Promise((resolve, reject) => {
    const child = crossSpawn()(program, [...args, path], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group off Windows, so it outlives nothing it should not and is not killed
      // with the core's by a terminal's Ctrl-C (the CLI); Windows has no such groups.
      detached: platform !== 'win32',
      windowsHide: false,
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    const exited = new Promise<{ code: number | null; stderr: string }>((settle) =>
      child.once('close', (code) => settle({ code, stderr: stderr.trim() })),
    );
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new InvalidInput(
          error.code === 'ENOENT'
            ? `The editor “${program}” was not found. Give its full path in Settings → Editor, or leave the field empty for the system's default application.`
            : `The editor “${program}” did not start: ${error.message}. Check Settings → Editor.`,
          { program },
        ),
      ),
    );
    child.once('spawn', () => {
      // Neither the program nor its stderr pipe keeps the core's process running (the CLI, tests).
      child.unref();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      resolve({ program, exited });
    });
  });
}
