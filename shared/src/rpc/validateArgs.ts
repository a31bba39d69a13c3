import * as v from 'valibot';
import { InvalidInput } from '../errors.ts';
import { takesSignal, type ArgsSchema } from './args.ts';

/**
 * The arguments of a call from the far side, checked against its method's schema: the parsed copy
 * (plain data, only the declared fields), or InvalidInput naming `service.method` and the path of
 * the first thing wrong, e.g. `localTerminals.open: args[0].command is not a field it takes.`
 */
export function validateArgs(
  where: string,
  schema: ArgsSchema,
  args: unknown,
  signalArg: unknown,
): unknown[] {
  if (signalArg !== undefined && !(typeof signalArg === 'number' && takesSignal(schema, signalArg))) {
    const which =
      typeof signalArg === 'number' ? `args[${signalArg}]` : `signalArg ${describeValue(signalArg)}`;
    throw new InvalidInput(`${where}: ${which} cannot carry a cancel signal.`, {
      method: where,
      path: 'signalArg',
    });
  }
  const result = v.safeParse(schema, args, { abortEarly: true });
  if (result.success) return result.output as unknown[];
  const issue = result.issues[0];
  const path = `args${(issue.path ?? []).map((item) => step(item.key)).join('')}`;
  throw new InvalidInput(`${where}: ${problem(issue, path, schema)}`, { method: where, path });
}

function problem(issue: v.BaseIssue<unknown>, path: string, schema: ArgsSchema): string {
  const depth = issue.path?.length ?? 0;
  const received = describeValue(issue.input);
  if (depth === 0) return `the arguments must be a list, not ${received}.`;
  // strictTuple and strictObject report a surplus item or key as "expected never".
  if (issue.expected === 'never') {
    if (depth === 1) return `takes at most ${schema.items.length} argument(s); ${path} is one too many.`;
    return issue.type === 'strict_object'
      ? `${path} is not a field it takes.`
      : `${path} is one item too many.`;
  }
  if (issue.input === undefined) return `${path} is missing.`;
  return `${path} must be ${expected(issue)}, not ${received}.`;
}

const KINDS: Record<string, string> = { Object: 'an object', Array: 'a list' };

/** What the schema wanted, in valibot's words: `string`, `"once" | "remember"`, `>=0`, `integer`. */
function expected(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'custom') return issue.message.replace(/^Invalid type: Expected /, '');
  const wanted = issue.expected ?? issue.type;
  return KINDS[wanted] ?? wanted.replace(/^\((.*)\)$/, '$1');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function step(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string' && IDENTIFIER.test(key) && key.length <= SHOWN_CHARS) return `.${key}`;
  return `[${short(String(key))}]`;
}

/** Strings are shown when short, so a message never carries a whole pasted secret or file. */
const SHOWN_CHARS = 40;
const short = (text: string) =>
  text.length <= SHOWN_CHARS ? JSON.stringify(text) : `a string of ${text.length} characters`;

function describeValue(value: unknown): string {
  if (typeof value === 'string') return short(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Uint8Array) return 'bytes';
  return Array.isArray(value) ? 'a list' : 'an object';
}
