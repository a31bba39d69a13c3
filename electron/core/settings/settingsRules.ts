import { InvalidInput } from '../../../shared/src/errors.ts';
import {
  CONFLICT_POLICIES,
  DEFAULT_APP_SETTINGS,
  KEEPALIVE_SECONDS,
  TRANSFER_CONCURRENCY,
  type AppSettings,
  type SettingsChange,
} from '../../../shared/src/settings.ts';
import type { ConflictPolicy } from '../../../shared/src/transfers.ts';

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
  const number = (value: unknown, range: { min: number; max: number }, fallback: number) =>
    typeof value === 'number' && Number.isFinite(value) ? clamp(value, range) : fallback;
  const d = DEFAULT_APP_SETTINGS;
  return {
    transfers: {
      concurrency: number(transfers.concurrency, TRANSFER_CONCURRENCY, d.transfers.concurrency),
      conflict: isPolicy(transfers.conflict) ? transfers.conflict : d.transfers.conflict,
    },
    connection: {
      keepaliveSeconds: number(connection.keepaliveSeconds, KEEPALIVE_SECONDS, d.connection.keepaliveSeconds),
    },
  };
}

const FIELDS = {
  transfers: ['concurrency', 'conflict'],
  connection: ['keepaliveSeconds'],
} as const;

/** Refuses names this version does not know: a typo would otherwise be saved and silently ignored. */
function checkNames(change: Record<string, unknown>): void {
  for (const [section, fields] of Object.entries(change)) {
    if (!(section in FIELDS))
      throw new InvalidInput(`There is no settings section '${section}' (there are: transfers, connection).`);
    if (fields === undefined) continue;
    if (!isObject(fields)) throw new InvalidInput(`The '${section}' settings must be an object of fields.`);
    const known: readonly string[] = FIELDS[section as keyof typeof FIELDS];
    for (const field of Object.keys(fields))
      if (!known.includes(field))
        throw new InvalidInput(`There is no setting '${section}.${field}' (there are: ${known.join(', ')}).`);
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
export function applyChange(current: AppSettings, change: unknown): AppSettings {
  if (!isObject(change))
    throw new InvalidInput('A settings change must be an object, e.g. { transfers: { … } }.');
  checkNames(change);
  const { transfers = {}, connection = {} } = change as SettingsChange;
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
  if (connection.keepaliveSeconds !== undefined)
    next.connection.keepaliveSeconds = numberIn(
      connection.keepaliveSeconds,
      'The keepalive interval (seconds)',
      KEEPALIVE_SECONDS,
    );
  return next;
}
