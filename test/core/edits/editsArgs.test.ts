import { describe, expect, it } from 'vitest';
import { CORE_ARGS } from '../../../shared/src/rpc/schemas/index.ts';
import { validateArgs } from '../../../shared/src/rpc/validateArgs.ts';

/** What the page may send to `edits`, checked as RpcHost checks it before anything runs. */
const target = { gateway: { host: '127.0.0.1', port: 3022 }, username: '518839-4856' };
const check = (method: keyof typeof CORE_ARGS.edits, args: unknown[]) =>
  validateArgs(`edits.${method}`, CORE_ARGS.edits[method], args, undefined);

describe('the arguments of edits', () => {
  it('takes a node and a path to open, and the two answers to a conflict', () => {
    expect(() => check('open', [target, '/var/www/site.conf'])).not.toThrow();
    expect(() => check('resolve', ['id', 'overwrite'])).not.toThrow();
    expect(() => check('resolve', ['id', 'skip'])).not.toThrow();
    expect(() => check('list', [])).not.toThrow();
  });

  it('refuses anything else, naming where', () => {
    expect(() => check('resolve', ['id', 'keepBoth'])).toThrow(/edits\.resolve: args\[1\]/);
    expect(() => check('open', [{ ...target, command: 'rm -rf /' }, '/x'])).toThrow(/args\[0\]\.command/);
    expect(() => check('open', [target])).toThrow(/edits\.open/);
    expect(() => check('close', ['id', true])).toThrow(/edits\.close/);
  });
});
