import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KeyFileCorrupt, PassphraseRequired, WrongPassphrase } from '../../../electron/core/keys/errors.ts';
import { readKeyFile } from '../../../electron/core/keys/keyImport.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { publicLine } from '../../../electron/core/keys/sshKey.ts';
import { cappedKeychain, keyPart, puttygen, scratch, uniqueService, type Scratch } from './keyTools.ts';

const PASSPHRASE = 'correct horse ppk';

let work: Scratch;
let vault: KeyVault;
let passFile: string;
let emptyFile: string;
let wrongFile: string;
let made = 0;

beforeAll(async () => {
  work = await scratch('keys-putty');
  vault = new KeyVault({ dataDir: work.dir, secrets: cappedKeychain(), service: uniqueService() });
  passFile = await work.file('pass', PASSPHRASE);
  emptyFile = await work.file('empty', '');
  wrongFile = await work.file('wrong', 'not the passphrase');
});

afterEach(async () => {
  for (const key of await vault.list()) await vault.delete(key.id);
});

afterAll(() => work.remove());

const pkcs8 = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'pkcs8' });

/** A new key written by puttygen in the given PPK version and protection, and the public key puttygen prints. */
async function puttygenKey(
  type: 'rsa' | 'ed25519',
  version: 2 | 3,
  encrypted: boolean,
  extra: string[] = [],
): Promise<{ text: string; publicKey: string }> {
  const path = `${work.dir}/puttygen-${++made}.ppk`;
  const size = type === 'rsa' ? ['-b', '2048'] : [];
  const params = ['--ppk-param', [`version=${version}`, ...extra].join(',')];
  const passphrase = encrypted ? passFile : emptyFile;
  await puttygen(
    '-t',
    type,
    ...size,
    '-q',
    '-C',
    `puttygen ${type}`,
    '-o',
    path,
    ...params,
    '--new-passphrase',
    passphrase,
  );
  const publicKey = await puttygen(path, '-O', 'public-openssh', '--old-passphrase', passphrase);
  return { text: await readFile(path, 'utf8'), publicKey };
}

describe('PuTTY .ppk files made by puttygen', () => {
  const cases = (['rsa', 'ed25519'] as const).flatMap((type) =>
    ([2, 3] as const).flatMap((version) => [false, true].map((encrypted) => ({ type, version, encrypted }))),
  );

  it.each(cases)(
    'loads a v$version $type key (encrypted: $encrypted) with the public key puttygen prints',
    async ({ type, version, encrypted }) => {
      const { text, publicKey } = await puttygenKey(type, version, encrypted);
      expect(text.startsWith(`PuTTY-User-Key-File-${version}: ssh-${type}`)).toBe(true);
      if (encrypted) {
        await expect(vault.importKey({ text })).rejects.toBeInstanceOf(PassphraseRequired);
        await expect(vault.importKey({ text, passphrase: 'not the passphrase' })).rejects.toBeInstanceOf(
          WrongPassphrase,
        );
      }
      const info = await vault.importKey({ text, ...(encrypted ? { passphrase: PASSPHRASE } : {}) });
      expect(keyPart(info.publicKey)).toBe(keyPart(publicKey));
      expect(info).toMatchObject({ name: `puttygen ${type}`, type: `ssh-${type}`, origin: 'imported' });
      expect(info.bits).toBe(type === 'rsa' ? 2048 : 256);
    },
  );

  it.each(['argon2i', 'argon2d'])('loads a v3 key whose passphrase is hashed with %s', async (kdf) => {
    const { text, publicKey } = await puttygenKey('ed25519', 3, true, [`kdf=${kdf}`]);
    expect(text).toContain(`Key-Derivation: ${kdf === 'argon2i' ? 'Argon2i' : 'Argon2d'}`);
    const info = await vault.importKey({ text, passphrase: PASSPHRASE });
    expect(keyPart(info.publicKey)).toBe(keyPart(publicKey));
  });

  it.each([2, 3] as const)(
    'refuses an edited unencrypted v%i file: its MAC no longer matches',
    async (version) => {
      const { text } = await puttygenKey('rsa', version, false);
      const edited = text.replace('Comment: puttygen rsa', 'Comment: someone else');
      await expect(vault.importKey({ text: edited })).rejects.toBeInstanceOf(KeyFileCorrupt);
      await expect(vault.importKey({ text: edited })).rejects.toThrow(/Private-MAC/);
    },
  );

  it('refuses an edited encrypted file as a wrong passphrase or a changed file', async () => {
    const { text } = await puttygenKey('ed25519', 3, true);
    const edited = text.replace('Comment: puttygen ed25519', 'Comment: swapped');
    await expect(vault.importKey({ text: edited, passphrase: PASSPHRASE })).rejects.toThrow(
      /file was changed/,
    );
  });
});

describe('.ppk v3 written by the vault', () => {
  const cases = (['rsa', 'ed25519'] as const).flatMap((type) =>
    [false, true].map((encrypted) => ({ type, encrypted })),
  );

  it.each(cases)(
    'puttygen loads our $type key (encrypted: $encrypted) and prints its public key',
    async ({ type, encrypted }) => {
      const info =
        type === 'rsa'
          ? await vault.generate({ name: 'vault rsa', bits: 2048 })
          : await vault.importKey({
              text: (await puttygenKey('ed25519', 3, false)).text,
              name: 'vault ed25519',
            });
      const text = await vault.exportPrivate(info.id, {
        format: 'ppk',
        ...(encrypted ? { passphrase: PASSPHRASE } : {}),
      });
      expect(text).toMatch(encrypted ? /^Encryption: aes256-cbc$/m : /^Encryption: none$/m);
      if (encrypted) expect(text).toMatch(/^Key-Derivation: Argon2id$/m);
      const path = await work.file(`ours-${type}-${encrypted}.ppk`, text);
      const passphrase = encrypted ? passFile : emptyFile;

      const printed = await puttygen(path, '-O', 'public-openssh', '--old-passphrase', passphrase);
      expect(keyPart(printed)).toBe(keyPart(info.publicKey));
      expect(printed.trim().endsWith(info.name)).toBe(true);

      // The public half is readable without the passphrase; converting the private half proves puttygen
      // decrypted it, checked its MAC and read the same private numbers.
      const converted = `${path}.openssh`;
      await puttygen(
        path,
        '-O',
        'private-openssh-new',
        '--old-passphrase',
        passphrase,
        '-o',
        converted,
        '--new-passphrase',
        emptyFile,
      );
      const theirs = await readKeyFile({ text: await readFile(converted, 'utf8') });
      const ours = await readKeyFile({ text: (await vault.privateKeyFor(info.id)).toString('utf8') });
      expect(pkcs8(theirs.pair.privateKey)).toEqual(pkcs8(ours.pair.privateKey));
      if (encrypted) {
        await expect(puttygen(path, '-O', 'text', '--old-passphrase', wrongFile)).rejects.toThrow(
          /wrong passphrase/,
        );
      }

      // And back through our own reader.
      const again = await readKeyFile({ text, ...(encrypted ? { passphrase: PASSPHRASE } : {}) });
      expect(keyPart(publicLine(again.pair, again.comment))).toBe(keyPart(info.publicKey));
      expect(again.comment).toBe(info.name);
    },
  );
});
