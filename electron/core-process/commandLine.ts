import { posix, win32 } from 'node:path';
import { parseArgs } from 'node:util';

export interface CoreProcessOptions {
  /** The app's data folder: keys, known_hosts, settings. */
  dataDir: string;
  keychainService: string | undefined;
  /** Start the embedded sandbox and offer it as a platform. */
  sandbox: boolean;
}

/** What main passes when it forks the core: `--data-dir DIR [--keychain-service NAME] [--sandbox]`. */
export function parseCoreProcessArgs(argv: string[]): CoreProcessOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      'keychain-service': { type: 'string' },
      sandbox: { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('The core process needs --data-dir.');
  return {
    dataDir,
    keychainService: values['keychain-service'] || undefined,
    sandbox: values.sandbox ?? false,
  };
}

/** What main tells the core process over its parent port. */
export type CoreProcessCommand = { kind: 'connect' } | { kind: 'stop' } | { kind: 'activity' };

/** The core's answer to `activity`: what closing the window would end. */
export interface CoreActivity {
  kind: 'activity';
  terminals: number;
  transfers: number;
  tunnels: number;
  /** Files open in the user's editor, whose later saves would no longer be uploaded. */
  edits: number;
}

export function isCoreProcessCommand(value: unknown): value is CoreProcessCommand {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'connect' || kind === 'stop' || kind === 'activity';
}

/**
 * The core asks main to open a local file with the OS's default application for its type (Electron's
 * `shell.openPath`): "Edit" with no editor set, "Open log folder". The utility process has no `shell`.
 */
export interface OpenPathRequest {
  kind: 'openPath';
  id: number;
  path: string;
}

/** Main's answer to an `OpenPathRequest`: `shell.openPath`'s own words, '' when it opened the path. */
export interface OpenPathAnswer {
  kind: 'openPath';
  id: number;
  error: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * What main accepts from the core before handing a path to `shell.openPath`: a full path (either OS's
 * syntax: main checks the shape, the OS the rest), one line, no NUL.
 */
export function isOpenPathRequest(value: unknown): value is OpenPathRequest {
  if (!isRecord(value) || value.kind !== 'openPath' || !Number.isSafeInteger(value.id)) return false;
  const path = value.path;
  return (
    typeof path === 'string' &&
    path.length <= 4096 &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f]/.test(path) &&
    (posix.isAbsolute(path) || win32.isAbsolute(path))
  );
}

export function isOpenPathAnswer(value: unknown): value is OpenPathAnswer {
  return (
    isRecord(value) &&
    value.kind === 'openPath' &&
    Number.isSafeInteger(value.id) &&
    typeof value.error === 'string'
  );
}
