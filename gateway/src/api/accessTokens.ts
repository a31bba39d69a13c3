import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/Store.ts';
import type { AccessTokenRecord } from '../store/types.ts';
import { ApiError, ResultCode } from './envelope.ts';

/** Sessions and tokens are kept only as SHA-256 hashes, so the store never holds a usable one. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new personal access token: 160 random bits in hex, the form of the real platform's tokens. */
export const newTokenValue = (): string => randomBytes(20).toString('hex');

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  token: string;
  record: AccessTokenRecord;
}

export async function issueAccessToken(
  store: Store,
  fields: { uid: number; description: string; methods: readonly string[]; expiresAt: Date | null },
): Promise<IssuedToken> {
  const token = newTokenValue();
  const record = await store.createAccessToken({
    tokenHash: hashToken(token),
    uid: fields.uid,
    description: fields.description,
    methods: [...fields.methods],
    expiresAt: fields.expiresAt,
  });
  return { token, record };
}

const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const MAX_METHODS = 200;

/**
 * `apiList` as a JSON array (`["environment.Control.GetEnvs"]`) or a comma-separated list, the two
 * forms public clients send. Every entry must look like `group.Class.Method`.
 */
export function parseApiList(text: string): string[] {
  let entries: unknown[];
  if (text.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      entries = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      throw invalid("Parameter 'apiList' is not a valid JSON array of method names.");
    }
  } else {
    entries = text.split(/[,;]/);
  }
  const names = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : '')).filter(Boolean);
  if (names.length === 0) {
    throw invalid("Parameter 'apiList' must name at least one API method, e.g. environment.Control.GetEnvs.");
  }
  if (names.length > MAX_METHODS) {
    throw invalid(`Parameter 'apiList' names too many methods (at most ${MAX_METHODS}).`);
  }
  const bad = names.find((name) => !METHOD_NAME.test(name));
  if (bad !== undefined) {
    throw invalid(
      `Parameter 'apiList' holds '${bad.slice(0, 80)}', which is not an API method name (group.Class.Method, e.g. environment.Control.GetEnvs).`,
    );
  }
  return [...new Set(names)];
}

/**
 * `expiresAt` as Jelastic documents it (`yyyy-MM-dd HH:mm:ss`, UTC), a bare date, or ISO 8601.
 * A date in the past is refused rather than creating a token that never works.
 */
export function parseExpiresAt(text: string | undefined, now: Date): Date | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  const jelastic = /^(\d{4}-\d\d-\d\d)(?: (\d\d:\d\d:\d\d))?$/.exec(trimmed);
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(trimmed);
  const date = jelastic
    ? new Date(`${jelastic[1]}T${jelastic[2] ?? '00:00:00'}Z`)
    : iso
      ? new Date(trimmed)
      : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(
      "Parameter 'expiresAt' must be a date as 'YYYY-MM-DD HH:MM:SS' (UTC) or ISO 8601, e.g. 2030-01-31 00:00:00.",
    );
  }
  if (date.getTime() <= now.getTime()) throw invalid("Parameter 'expiresAt' is in the past.");
  return date;
}

/** Jelastic's date form, `YYYY-MM-DD HH:MM:SS` in UTC. */
export const jelasticDate = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** A token as gettokens lists it: everything but the token itself, which only createtoken shows. */
export const tokenView = (record: AccessTokenRecord, now: Date) => ({
  id: record.id,
  description: record.description,
  apiList: record.methods,
  expiresAt: record.expiresAt ? jelasticDate(record.expiresAt) : null,
  isExpired: record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime(),
  createdOn: jelasticDate(record.createdAt),
});

const invalid = (message: string): ApiError => new ApiError(ResultCode.InvalidParameter, message);
