import { InvalidInput } from '../../../shared/src/errors.ts';
import {
  CONFLICT_POLICIES,
  DEFAULT_APP_SETTINGS,
  EDITOR_COMMAND_MAX,
  FOLDER_KINDS,
  KEEPALIVE_SECONDS,
  TRANSFER_CONCURRENCY,
  UPLOAD_SKIP_LIMITS,
  type AppSettings,
  type SettingsChange,
} from '../../../shared/src/settings.ts';
import type { ConflictPolicy } from '../../../shared/src/transfers.ts';
import { splitCommandLine } from '../edits/editorCommand.ts';
import { checkShellSetting } from '../terminals/localShell.ts';
import { requireAbsoluteLocalPath } from '../transfers/absoluteLocalPath.ts';
import { currentLocalPlatform, type LocalPlatform } from '../transfers/localNames.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const clamp = (value: number, range: { min: number; max: number }): number =>
  Math.min(Math.max(Math.round(value), range.min), range.max);

const isPolicy = (value: unknown): value is ConflictPolicy =>
  CONFLICT_POLICIES.includes(value as ConflictPolicy);

/**
 * Settings as stored, read defensively: the file is the user's and may have been edited or damaged,
 * so anything missing or invalid takes its default rather than stopping the app.
 */
export function readStored(raw: unknown): AppSettings {
  const stored = isObject(raw) ? raw : {};
  const transfers = isObject(stored.transfers) ? stored.transfers : {};
  const connection = isObject(stored.connection) ? stored.connection : {};
  const terminal = isObject(stored.terminal) ? stored.terminal : {};
  const editor = isObject(stored.editor) ? stored.editor : {};
  const folders = isObject(stored.folders) ? stored.folders : {};
  const agent = isObject(stored.agent) ? stored.agent : {};
  const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
  const number = (value: unknown, range: { min: number; max: number }, fallback: number) =>
    typeof value === 'number' && Number.isFinite(value) ? clamp(value, range) : fallback;
  const d = DEFAULT_APP_SETTINGS;
  return {
    transfers: {
      concurrency: number(transfers.concurrency, TRANSFER_CONCURRENCY, d.transfers.concurrency),
      conflict: isPolicy(transfers.conflict) ? transfers.conflict : d.transfers.conflict,
      normalizeUploadNames:
        typeof transfers.normalizeUploadNames === 'boolean'
          ? transfers.normalizeUploadNames
          : d.transfers.normalizeUploadNames,
      uploadSkip: storedSkipList(transfers.uploadSkip) ?? [...d.transfers.uploadSkip],
    },
    connection: {
      keepaliveSeconds: number(connection.keepaliveSeconds, KEEPALIVE_SECONDS, d.connection.keepaliveSeconds),
    },
    terminal: {
      localShell: storedShell(terminal.localShell),
      logSessions: bool(terminal.logSessions, d.terminal.logSessions),
      logFolder: storedText(terminal.logFolder, (value) => folderSetting(value, 'The log folder')),
      logRaw: bool(terminal.logRaw, d.terminal.logRaw),
    },
    editor: { command: storedText(editor.command, editorCommand) },
    folders: Object.fromEntries(
      FOLDER_KINDS.map((kind) => [
        kind,
        storedText(folders[kind], (value) => folderSetting(value, 'A folder')),
      ]),
    ) as AppSettings['folders'],
    agent: { enabled: bool(agent.enabled, d.agent.enabled), confirm: bool(agent.confirm, d.agent.confirm) },
  };
}

/** A stored text setting checked as a change would be, or '' (its default) when missing or damaged. */
function storedText(value: unknown, check: (value: unknown) => string): string {
  try {
    return value === undefined ? '' : check(value);
  } catch {
    return '';
  }
}

/** A folder setting: '' (the default place) or a full path, so it means the same from any working folder. */
export function folderSetting(
  value: unknown,
  what: string,
  platform: LocalPlatform = currentLocalPlatform(),
): string {
  if (typeof value !== 'string') throw new InvalidInput(`${what} must be a path (text).`);
  const folder = value.trim();
  if (folder === '') return '';
  if (folder.length > 4096) throw new InvalidInput(`${what} is a path of at most 4096 characters.`);
  requireAbsoluteLocalPath(folder, what, platform);
  return folder;
}

/** The editor's command line: one line of text, '' for the system's default application. */
export function editorCommand(value: unknown, platform: LocalPlatform = currentLocalPlatform()): string {
  if (typeof value !== 'string')
    throw new InvalidInput('The editor command must be text, e.g. "code --wait".');
  const command = value.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(command))
    throw new InvalidInput(
      'The editor command is one line: a program and its arguments, e.g. "code --wait".',
    );
  if (command.length > EDITOR_COMMAND_MAX)
    throw new InvalidInput(`The editor command is at most ${EDITOR_COMMAND_MAX} characters.`);
  // Split as "Edit" will split it, so a quote left open is refused here rather than at the first edit.
  splitCommandLine(command, platform);
  return command;
}

const FIELDS = {
  transfers: ['concurrency', 'conflict', 'normalizeUploadNames', 'uploadSkip'],
  connection: ['keepaliveSeconds'],
  terminal: ['localShell', 'logSessions', 'logFolder', 'logRaw'],
  editor: ['command'],
  folders: FOLDER_KINDS,
  agent: ['enabled', 'confirm'],
} as const;

/** Refuses names this version does not know: a typo would otherwise be saved and silently ignored. */
function checkNames(change: Record<string, unknown>): void {
  for (const [section, fields] of Object.entries(change)) {
    if (!(section in FIELDS))
      throw new InvalidInput(
        `There is no settings section '${section}' (there are: ${Object.keys(FIELDS).join(', ')}).`,
      );
    if (fields === undefined) continue;
    if (!isObject(fields)) throw new InvalidInput(`The '${section}' settings must be an object of fields.`);
    const known: readonly string[] = FIELDS[section as keyof typeof FIELDS];
    for (const field of Object.keys(fields))
      if (!known.includes(field))
        throw new InvalidInput(`There is no setting '${section}.${field}' (there are: ${known.join(', ')}).`);
  }
}

/**
 * The upload skip list as given: base-name patterns, so a "/" would never match and is refused
 * rather than silently ignored; blank lines dropped, duplicates kept once.
 */
export function skipList(value: unknown): string[] {
  const { patterns, length } = UPLOAD_SKIP_LIMITS;
  if (!Array.isArray(value) || value.some((pattern) => typeof pattern !== 'string'))
    throw new InvalidInput(
      'The upload skip list must be a list of name patterns, e.g. [".DS_Store", "._*"].',
    );
  const list = [...new Set((value as string[]).map((pattern) => pattern.trim()).filter(Boolean))];
  if (list.length > patterns)
    throw new InvalidInput(`The upload skip list holds at most ${patterns} patterns.`);
  for (const pattern of list) {
    if (pattern.length > length)
      throw new InvalidInput(
        `A skip pattern is at most ${length} characters: ${JSON.stringify(pattern.slice(0, 40))}….`,
      );
    if (pattern.includes('/') || pattern.includes('\\'))
      throw new InvalidInput(
        `Skip patterns match a file or folder name, not a path: ${JSON.stringify(pattern)} contains a separator.`,
      );
  }
  return list;
}

/** A stored shell path, or the system's shell when the file holds none or a damaged one. */
function storedShell(value: unknown): string {
  try {
    return value === undefined ? '' : checkShellSetting(value, currentLocalPlatform());
  } catch {
    return '';
  }
}

/** A stored skip list, or undefined when the file holds none or a damaged one. */
function storedSkipList(value: unknown): string[] | undefined {
  try {
    return value === undefined ? undefined : skipList(value);
  } catch {
    return undefined;
  }
}

function numberIn(value: unknown, what: string, range: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidInput(`${what} must be a number from ${range.min} to ${range.max}.`);
  return clamp(value, range);
}

/**
 * Applies a change from the far side of the RPC (less trusted, so every field is checked): unknown
 * names and wrong types are refused with an `InvalidInput` saying what is allowed; numbers outside
 * their range are brought into it, as a number field in the UI would.
 */
export function applyChange(
  current: AppSettings,
  change: unknown,
  platform: LocalPlatform = currentLocalPlatform(),
): AppSettings {
  if (!isObject(change))
    throw new InvalidInput('A settings change must be an object, e.g. { transfers: { … } }.');
  checkNames(change);
  const {
    transfers = {},
    connection = {},
    terminal = {},
    editor = {},
    folders = {},
    agent = {},
  } = change as SettingsChange;
  const next = structuredClone(current);
  if (transfers.concurrency !== undefined)
    next.transfers.concurrency = numberIn(
      transfers.concurrency,
      'Files copied at once',
      TRANSFER_CONCURRENCY,
    );
  if (transfers.conflict !== undefined) {
    if (!isPolicy(transfers.conflict))
      throw new InvalidInput(
        `The conflict policy must be one of ${CONFLICT_POLICIES.join(', ')}, not '${String(transfers.conflict)}'.`,
      );
    next.transfers.conflict = transfers.conflict;
  }
  if (transfers.normalizeUploadNames !== undefined) {
    if (typeof transfers.normalizeUploadNames !== 'boolean')
      throw new InvalidInput('Sending names in NFC is on or off: true or false.');
    next.transfers.normalizeUploadNames = transfers.normalizeUploadNames;
  }
  if (transfers.uploadSkip !== undefined) next.transfers.uploadSkip = skipList(transfers.uploadSkip);
  if (terminal.localShell !== undefined)
    next.terminal.localShell = checkShellSetting(terminal.localShell, platform);
  for (const flag of ['logSessions', 'logRaw'] as const) {
    const value = terminal[flag];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new InvalidInput(`terminal.${flag} is on or off: true or false.`);
    next.terminal[flag] = value;
  }
  for (const flag of ['enabled', 'confirm'] as const) {
    const value = agent[flag];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new InvalidInput(`agent.${flag} is on or off: true or false.`);
    next.agent[flag] = value;
  }
  if (terminal.logFolder !== undefined)
    next.terminal.logFolder = folderSetting(terminal.logFolder, 'The log folder', platform);
  if (editor.command !== undefined) next.editor.command = editorCommand(editor.command, platform);
  for (const kind of FOLDER_KINDS) {
    const folder = folders[kind];
    if (folder !== undefined) next.folders[kind] = folderSetting(folder, 'A folder', platform);
  }
  if (connection.keepaliveSeconds !== undefined)
    next.connection.keepaliveSeconds = numberIn(
      connection.keepaliveSeconds,
      'The keepalive interval (seconds)',
      KEEPALIVE_SECONDS,
    );
  return next;
}
