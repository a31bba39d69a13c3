import { describe, expect, it } from 'vitest';
import { CORE_METHODS } from '../../shared/src/contract.ts';
import { CORE_ARGS } from '../../shared/src/rpc/schemas/index.ts';
import { InvalidInput } from '../../shared/src/errors.ts';
import { takesSignal } from '../../shared/src/rpc/args.ts';
import { validateArgs } from '../../shared/src/rpc/validateArgs.ts';

/** The schemas of the contract, checked as RpcHost checks a call (validateArgs), without a channel. */
const target = { gateway: { host: '127.0.0.1', port: 3022 }, username: '518839-4856' };
const services = Object.keys(CORE_METHODS) as (keyof typeof CORE_METHODS)[];

function refusal(service: keyof typeof CORE_ARGS, method: string, args: unknown[], signalArg?: unknown) {
  const schema = (CORE_ARGS[service] as Record<string, Parameters<typeof validateArgs>[1]>)[method]!;
  try {
    validateArgs(`${service}.${method}`, schema, args, signalArg);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return error as InvalidInput;
  }
  throw new Error(`${service}.${method} accepted ${JSON.stringify(args)}`);
}

const accepts = (service: keyof typeof CORE_ARGS, method: string, args: unknown[], signalArg?: number) =>
  validateArgs(
    `${service}.${method}`,
    (CORE_ARGS[service] as Record<string, Parameters<typeof validateArgs>[1]>)[method]!,
    args,
    signalArg,
  );

describe('the argument schemas of the contract', () => {
  it('has a schema for every method in CORE_METHODS, and none for anything else', () => {
    for (const service of services) {
      const schemas = CORE_ARGS[service] as Record<string, unknown>;
      expect(Object.keys(schemas).sort(), service).toEqual([...CORE_METHODS[service]].sort());
      for (const method of CORE_METHODS[service]) {
        expect(schemas[method], `${service}.${method}`).toMatchObject({ type: 'strict_tuple' });
      }
    }
  });

  it('takes a signal only where the method has CallOptions', () => {
    const takers = services.flatMap((service) =>
      Object.entries(CORE_ARGS[service] as Record<string, Parameters<typeof takesSignal>[0]>).flatMap(
        ([method, schema]) =>
          schema.items.flatMap((_item, index) =>
            takesSignal(schema, index) ? [`${service}.${method}/${index}`] : [],
          ),
      ),
    );
    expect(takers.sort()).toEqual([
      'databases.exportSql/1',
      'databases.importSql/1',
      'exec.run/2',
      'files.list/2',
      'files.remove/3',
      'transfers.wait/1',
    ]);
  });

  it('accepts the calls the app makes, optional arguments left out or given', () => {
    expect(accepts('localTerminals', 'open', [{ cols: 80, rows: 24 }])).toEqual([{ cols: 80, rows: 24 }]);
    accepts('files', 'list', [target, '/var/www']);
    accepts('files', 'list', [target, '/var/www', {}], 2);
    accepts('files', 'remove', [target, '/tmp/x', undefined, {}], 3);
    accepts('exec', 'run', [target, 'uptime', { id: 'e-1' }], 2);
    accepts('transfers', 'upload', [
      { target: { ...target, pinned: { keyType: 'ssh-rsa', md5: 'aa' } }, localPath: '/a', remotePath: 'b' },
    ]);
    accepts('exec', 'write', ['e-1', new Uint8Array([1, 2])]);
  });

  it('refuses a command for a local terminal, naming the method and the path', () => {
    const error = refusal('localTerminals', 'open', [
      { cols: 80, rows: 24, command: { file: '/bin/sh', args: ['-c', 'touch /tmp/x'] } },
    ]);
    expect(error.message).toBe('localTerminals.open: args[0].command is not a field it takes.');
    expect(error.details).toEqual({ method: 'localTerminals.open', path: 'args[0].command' });
  });

  it.each([
    ['keys', 'generate', [{ name: 'k', bits: 2048, comment: 'x' }], 'args[0].comment'],
    ['keys', 'exportPrivateToFile', ['k-1', { format: 'ppk', path: '/k.ppk', mode: 0o644 }], 'args[1].mode'],
    [
      'transfers',
      'upload',
      [{ target, localPath: '/a', remotePath: 'b', preserve: true }],
      'args[0].preserve',
    ],
    [
      'transfers',
      'download',
      [
        {
          target: { ...target, gateway: { host: 'h', port: 22, proxy: 'x' } },
          localPath: '/a',
          remotePath: 'b',
        },
      ],
      'args[0].target.gateway.proxy',
    ],
    [
      'terminals',
      'open',
      [{ target: { ...target, agent: true }, cols: 80, rows: 24 }],
      'args[0].target.agent',
    ],
    ['files', 'mkdir', [target, '/x', { recursive: true, owner: 0 }], 'args[2].owner'],
    ['exec', 'run', [target, 'ls', { id: 'e', env: { PATH: '/tmp' } }], 'args[2].env'],
    ['settings', 'update', [{ transfers: { concurrency: 2, bandwidth: 1 } }], 'args[0].transfers.bandwidth'],
    [
      'platform',
      'useProfile',
      [
        {
          kind: 'custom',
          label: 'c',
          apiUrl: 'https://x',
          gateway: { host: 'h', port: 22 },
          demoDatabases: [{ nodeId: 1, database: 'd', user: 'u', password: 'p', host: 'evil' }],
        },
      ],
      'args[0].demoDatabases[0].host',
    ],
    [
      'databases',
      'importSql',
      [
        {
          target,
          nodeType: 'mariadb',
          file: '/d.sql',
          credentials: { database: 'd', user: 'u', password: 'p', x: 1 },
        },
      ],
      'args[0].credentials.x',
    ],
  ] as const)('refuses an unknown field: %s.%s', (service, method, args, path) => {
    const error = refusal(service, method, [...args]);
    expect(error.details).toEqual({ method: `${service}.${method}`, path });
    expect(error.message).toBe(`${service}.${method}: ${path} is not a field it takes.`);
  });

  it.each([
    ['files', 'list', [target, 42], 'args[1] must be string, not 42.'],
    ['terminals', 'resize', ['t-1', '80', 24], 'args[1] must be number, not "80".'],
    [
      'hostKeys',
      'answer',
      ['q-1', 'always'],
      'args[1] must be "once" | "remember" | "reject", not "always".',
    ],
    ['keys', 'generate', [{ name: 'k', bits: 1024 }], 'args[0].bits must be 2048 | 3072 | 4096, not 1024.'],
    ['exec', 'write', ['e-1', 'text'], 'args[1] must be Uint8Array, not "text".'],
    ['platform', 'deleteDashboardKey', ['7'], 'args[0] must be number, not "7".'],
    ['transfers', 'answerConflict', ['c-1', 'skip', 'yes'], 'args[2] must be boolean, not "yes".'],
    ['transfers', 'upload', [{ target, localPath: '/a' }], 'args[0].remotePath is missing.'],
    ['transfers', 'upload', [null], 'args[0] must be an object, not null.'],
    ['exec', 'ack', ['e-1', -5], 'args[1] must be >=0, not -5.'],
    ['exec', 'ack', ['e-1', 1.5], 'args[1] must be integer, not 1.5.'],
    [
      'databases',
      'exportSql',
      [
        {
          target,
          nodeType: 'm',
          file: '/f',
          gzip: 'no',
          credentials: { database: 'd', user: 'u', password: 'p' },
        },
      ],
      'args[0].gzip must be boolean, not "no".',
    ],
  ] as const)('refuses a wrong type: %s.%s', (service, method, args, message) => {
    expect(refusal(service, method, [...args]).message).toBe(`${service}.${method}: ${message}`);
  });

  it('refuses extra arguments and anything but a list', () => {
    expect(refusal('keys', 'list', ['all']).message).toBe(
      'keys.list: takes at most 0 argument(s); args[0] is one too many.',
    );
    expect(refusal('transfers', 'cancel', ['j-1', true]).details).toEqual({
      method: 'transfers.cancel',
      path: 'args[1]',
    });
    expect(refusal('keys', 'delete', { 0: 'k-1' } as unknown as unknown[]).message).toBe(
      'keys.delete: the arguments must be a list, not an object.',
    );
  });

  it('refuses a signal where the method takes none, and a sent `signal` field', () => {
    expect(refusal('transfers', 'cancel', ['j-1'], 0).message).toBe(
      'transfers.cancel: args[0] cannot carry a cancel signal.',
    );
    expect(refusal('files', 'remove', [target, '/x', {}], 2).details).toEqual({
      method: 'files.remove',
      path: 'signalArg',
    });
    expect(refusal('transfers', 'wait', ['j-1', {}], '1').message).toMatch(/signalArg "1" cannot carry/);
    expect(refusal('transfers', 'wait', ['j-1', { signal: { aborted: false } }], 1).details).toEqual({
      method: 'transfers.wait',
      path: 'args[1].signal',
    });
    expect(refusal('exec', 'run', [target, 'ls', { id: 'e', timeout: 5 }], 2).details).toMatchObject({
      path: 'args[2].timeout',
    });
  });

  it('never repeats a long string it refuses', () => {
    const secret = 'x'.repeat(5000);
    const error = refusal('platform', 'deleteDashboardKey', [secret]);
    expect(error.message).toBe(
      'platform.deleteDashboardKey: args[0] must be number, not a string of 5000 characters.',
    );
  });
});
