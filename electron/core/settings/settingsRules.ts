import { InvalidInput } from '../../../shared/src/errors.ts';
import {
  CONFLICT_POLICIES,
  DEFAULT_APP_SETTINGS,
  KEEPALIVE_SECONDS,
  TRANSFER_CONCURRENCY,
  UPLOAD_SKIP_LIMITS,
  type AppSettings,
  type SettingsChange,
} from '../../../shared/src/settings.ts';
import type { ConflictPolicy } from '../../../shared/src/transfers.ts';
import { checkShellSetting } from '../terminals/localShell.ts';
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
    terminal: { localShell: storedShell(terminal.localShell) },
  };
}

const FIELDS = {
  transfers: ['concurrency', 'conflict', 'normalizeUploadNames', 'uploadSkip'],
  connection: ['keepaliveSeconds'],
  terminal: ['localShell'],
} as const;

/** Refuses names this version does not know: a typo would otherwise be saved and silently ignored. */
function checkNames(change: Record<string, unknown>): void {
  for (const [section, fields] of Object.entries(change)) {
    if (!(section in FIELDS))
      throw new InvalidInput(
        `There is no settings section '${section}' (there are: transfers, connection, terminal).`,
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
  const { transfers = {}, connection = {}, terminal = {} } = change as SettingsChange;
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
  if (connection.keepaliveSeconds !== undefined)
    next.connection.keepaliveSeconds = numberIn(
      connection.keepaliveSeconds,
      'The keepalive interval (seconds)',
      KEEPALIVE_SECONDS,
    );
  return next;
}
