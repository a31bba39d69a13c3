import { parseGatewayUser } from '../../../../shared/src/gatewayAddress.ts';

/** What a log is named after: the parts of its file name and the words of its first line. */
export interface LogSubject {
  /** e.g. `['shop', '518839']`, `['gateway-menu']`, `['local']`. */
  parts: string[];
  /** e.g. `node 518839 in shop`. */
  title: string;
}

/** Characters a file name part keeps; anything else (`/`, `\`, `:`, spaces, …) becomes `_`. */
const UNSAFE = /[^A-Za-z0-9._-]+/g;
const PART_MAX = 48;

/**
 * One part of a file name, legal on Windows, macOS and Linux alike: letters, digits, `.`, `_`, `-`;
 * never `.` or `..`, no path separator, no leading or trailing dot (Windows drops a trailing one).
 */
export function safeNamePart(text: string): string {
  return text
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, PART_MAX)
    .replace(/[._-]+$/, '');
}

const two = (n: number) => String(n).padStart(2, '0');

const day = (date: Date) => `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
const clock = (date: Date, separator: string) =>
  [date.getHours(), date.getMinutes(), date.getSeconds()].map(two).join(separator);

/** The local time as a file name takes it: `2026-05-01_14-03-22` (no `:`, which Windows refuses). */
export function fileTimestamp(date: Date): string {
  return `${day(date)}_${clock(date, '-')}`;
}

/** The local time with its offset from UTC, for the log's own lines: `2026-05-01 14:03:22 +02:00`. */
export function readableTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return `${day(date)} ${clock(date, ':')} ${zone}`;
}

/**
 * A log's file name: `shop-518839-2026-05-01_14-03-22.log`; the `copy`-th file started in the same
 * second gets `_2`, `_3`, … before the extension.
 */
export function logFileName(subject: LogSubject, start: Date, copy = 1): string {
  const parts = subject.parts.map(safeNamePart).filter((part) => part !== '');
  const base = [...(parts.length > 0 ? parts : ['session']), fileTimestamp(start)].join('-');
  return `${base}${copy > 1 ? `_${copy}` : ''}.log`;
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** A gateway terminal's subject: the node (from the user name `NODEID-UID`) and its environment. */
export function gatewaySubject(username: string, environment?: string): LogSubject {
  const user = parseGatewayUser(username);
  // The page names it: no control characters (an escape sequence in the log's first line would act
  // on the terminal of whoever `cat`s the log), and a name's length.
  const env = environment?.replace(CONTROLS, '').trim().slice(0, 64) || undefined;
  if (user?.kind === 'node') {
    return {
      parts: [...(env ? [env] : []), String(user.nodeId)],
      title: `node ${user.nodeId}${env ? ` in ${env}` : ''}`,
    };
  }
  if (user?.kind === 'menu') return { parts: ['gateway-menu'], title: 'the gateway menu' };
  return { parts: [username], title: username };
}

/** A saved plain host's subject: the name the page gave it (else its user and address). */
export function plainHostSubject(username: string, host: string, name?: string): LogSubject {
  const given = name?.replace(CONTROLS, '').trim().slice(0, 64) || undefined;
  const title = given ?? `${username}@${host}`;
  return { parts: [title], title };
}

export const LOCAL_SUBJECT: LogSubject = { parts: ['local'], title: 'a local shell' };
