import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InvalidInput, PassphraseRequired } from '../../../shared/src/errors.ts';
import type { KeyInfo, RsaBits } from '../../../shared/src/keys.ts';
import { note, output, stringOption, type Command, type CommandContext } from '../command.ts';
import { readSecret } from '../prompt.ts';
import { UsageError } from '../usage.ts';

const describeKey = (key: KeyInfo, withWarning = false): string =>
  [
    `${key.id}  ${key.name}`,
    `  ${key.type} ${key.bits} bits, ${key.origin} ${key.createdAt}`,
    `  ${key.fingerprints.sha256}`,
    `  MD5 ${key.fingerprints.md5}`,
    ...(withWarning && key.warning ? [`  Not for the gateway: ${key.warning}`] : []),
  ].join('\n');

/** A key the gateway refuses is still kept, but the person is told before trying to use it. */
const warnAbout = (key: KeyInfo): void => {
  if (key.warning) note(`enscale-ssh: warning: ${key.warning}`);
};

const keyId = (context: CommandContext): string => context.args[0] ?? '';

async function importKey(context: CommandContext): Promise<KeyInfo> {
  const path = resolve(context.args[0] ?? '');
  const name = stringOption(context, 'name');
  const request = { path, ...(name ? { name } : {}) };
  if (context.options['passphrase-stdin'])
    return context.api.keys.importFile({ ...request, passphrase: await readSecret('', 'passphrase') });
  try {
    return await context.api.keys.importFile(request);
  } catch (error) {
    if (!(error instanceof PassphraseRequired)) throw error;
    if (!process.stdin.isTTY)
      throw new InvalidInput(
        'This key file is protected by a passphrase: pass it on stdin with --passphrase-stdin.',
      );
    const passphrase = await readSecret('Passphrase of the key file: ', 'passphrase');
    return context.api.keys.importFile({ ...request, passphrase });
  }
}

async function exportKey(context: CommandContext): Promise<void> {
  const id = keyId(context);
  const out = stringOption(context, 'out');
  const format = stringOption(context, 'format');
  if (format !== undefined && format !== 'openssh' && format !== 'ppk')
    throw new UsageError(`--format is openssh or ppk, not '${format}'.`);
  if (context.options.public) {
    const publicKey = (await context.api.keys.exportPublic(id)).trim();
    if (out) await writeFile(resolve(out), `${publicKey}\n`, { mode: 0o644 });
    output(context, { id, publicKey, ...(out ? { path: resolve(out) } : {}) }, () =>
      out ? `Wrote the public key to ${resolve(out)}.` : publicKey,
    );
    return;
  }
  if (!format) throw new UsageError('Say which file format: --format openssh or --format ppk (or --public).');
  if (!out)
    throw new InvalidInput(
      'A private key is only ever written to a file you name, never printed: add --out FILE (or use --public).',
    );
  const path = resolve(out);
  const passphrase = context.options['passphrase-stdin'] ? await readSecret('', 'passphrase') : undefined;
  await context.api.keys.exportPrivateToFile(id, { format, path, ...(passphrase ? { passphrase } : {}) });
  output(
    context,
    { id, format, path, encrypted: Boolean(passphrase) },
    () =>
      `Wrote the private key (${format}${passphrase ? ', encrypted' : ', not encrypted'}) to ${path}; keep it safe.`,
  );
}

export const keysCommands: Command[] = [
  {
    words: ['keys', 'list'],
    args: { min: 0, max: 0 },
    async run(context) {
      const keys = await context.api.keys.list();
      output(context, keys, () =>
        keys.length
          ? keys.map((key) => describeKey(key, true)).join('\n')
          : 'No keys yet: enscale-ssh keys generate',
      );
    },
  },
  {
    words: ['keys', 'generate'],
    options: { name: { type: 'string' }, bits: { type: 'string' } },
    args: { min: 0, max: 0 },
    async run(context) {
      const bits = stringOption(context, 'bits');
      if (bits !== undefined && !/^\d+$/.test(bits))
        throw new UsageError(`--bits is a number (2048, 3072 or 4096), not '${bits}'.`);
      const key = await context.api.keys.generate({
        name: stringOption(context, 'name') ?? `enscale-ssh@${hostname()}`,
        ...(bits ? { bits: Number(bits) as RsaBits } : {}),
      });
      warnAbout(key);
      output(
        context,
        key,
        () => `${describeKey(key)}\nPut it on the dashboard: enscale-ssh keys sync ${key.id}`,
      );
    },
  },
  {
    words: ['keys', 'import'],
    options: { name: { type: 'string' }, 'passphrase-stdin': { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(context) {
      const key = await importKey(context);
      warnAbout(key);
      output(context, key, () => describeKey(key));
    },
  },
  {
    words: ['keys', 'export'],
    options: {
      format: { type: 'string' },
      public: { type: 'boolean' },
      out: { type: 'string' },
      'passphrase-stdin': { type: 'boolean' },
    },
    args: { min: 1, max: 1 },
    run: exportKey,
  },
  {
    words: ['keys', 'sync'],
    args: { min: 1, max: 1 },
    async run(context) {
      const result = await context.api.platform.syncKey(keyId(context));
      output(context, result, () =>
        result.added
          ? `Added '${result.key.title}' to the dashboard (MD5 ${result.key.fingerprint}).`
          : `Already on the dashboard as '${result.key.title}' (MD5 ${result.key.fingerprint}).`,
      );
    },
  },
  {
    words: ['keys', 'delete'],
    args: { min: 1, max: 1 },
    async run(context) {
      const id = keyId(context);
      await context.api.keys.delete(id);
      output(
        context,
        { deleted: id },
        () => `Deleted key ${id} from this device (the dashboard keeps its copy).`,
      );
    },
  },
];
