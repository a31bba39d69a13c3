/**
 * The gateway's user-name grammar: `UID` opens the interactive menu, `NODEID-UID` goes straight to
 * one node. Both parts are plain decimal numbers. Anything else is refused before the store is
 * asked anything, so a scanner trying `root`, `admin' OR 1=1` or 10 kB of digits costs nothing.
 */
export type GatewayUser = { mode: 'menu'; uid: number } | { mode: 'direct'; uid: number; nodeId: number };

/** Ids are 32-bit on the platform; ten digits is the most any real one can have. */
const MAX_ID_DIGITS = 10;
const MAX_ID = 2 ** 31 - 1;
/** Checked before any regular expression runs, so the cost stays constant however long the input. */
const MAX_USER_NAME_LENGTH = MAX_ID_DIGITS * 2 + 1;

const ID = `[1-9][0-9]{0,${MAX_ID_DIGITS - 1}}`;
const GRAMMAR = new RegExp(`^(?:(${ID})-)?(${ID})$`);

/** `undefined` means: not a gateway user name; refuse without a lookup. */
export function parseGatewayUser(name: string): GatewayUser | undefined {
  if (name.length === 0 || name.length > MAX_USER_NAME_LENGTH) return undefined;
  const match = GRAMMAR.exec(name);
  if (!match) return undefined;
  const uid = toId(match[2]);
  if (uid === undefined) return undefined;
  if (match[1] === undefined) return { mode: 'menu', uid };
  const nodeId = toId(match[1]);
  return nodeId === undefined ? undefined : { mode: 'direct', uid, nodeId };
}

function toId(digits: string | undefined): number | undefined {
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) && value > 0 && value <= MAX_ID ? value : undefined;
}

/** The user name back in its canonical form, e.g. for messages that tell the user what to type. */
export function formatGatewayUser(user: GatewayUser): string {
  return user.mode === 'menu' ? String(user.uid) : `${user.nodeId}-${user.uid}`;
}

/** A user name made safe to put in a log line: bounded and without control characters. */
export function describeUserName(name: string): string {
  const shown = name.length > 64 ? `${name.slice(0, 64)}…(${name.length} chars)` : name;
  return shown.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
