import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassphraseRequired, UnsupportedKey, WrongPassphrase } from '../../../electron/core/keys/errors.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { cappedKeychain, keyPart, scratch, sshKeygen, uniqueService, type Scratch } from './keyTools.ts';

const PASSPHRASE = 'correct horse openssh';

let work: Scratch;
let vault: KeyVault;

beforeAll(async () => {
  work = await scratch('keys-openssh');
  vault = new KeyVault({ dataDir: work.dir, secrets: cappedKeychain(), service: uniqueService() });
});

afterEach(async () => {
  for (const key of await vault.list()) await vault.delete(key.id);
});

afterAll(() => work.remove());

/** A key made by ssh-keygen in the given format; returns the private file's text and its .pub line. */
async function sshKeygenKey(
  name: string,
  args: string[],
  passphrase: string,
): Promise<{ text: string; publicKey: string }> {
  const path = `${work.dir}/${name}`;
  await sshKeygen('-q', ...args, '-N', passphrase, '-C', `ssh-keygen ${name}`, '-f', path);
  return { text: await readFile(path, 'utf8'), publicKey: await readFile(`${path}.pub`, 'utf8') };
}

describe('keys made by ssh-keygen', () => {
  const formats = [
    { format: 'OpenSSH RSA', args: ['-t', 'rsa', '-b', '2048'], header: 'OPENSSH PRIVATE KEY' },
    { format: 'OpenSSH Ed25519', args: ['-t', 'ed25519'], header: 'OPENSSH PRIVATE KEY' },
    { format: 'PEM PKCS#1 RSA', args: ['-t', 'rsa', '-b', '2048', '-m', 'PEM'], header: 'RSA PRIVATE KEY' },
    { format: 'PEM PKCS#8 RSA', args: ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8'], header: 'PRIVATE KEY' },
  ];
  const cases = formats.flatMap((f) => [false, true].map((encrypted) => ({ ...f, encrypted })));

  it.each(cases)('imports $format (encrypted: $encrypted)', async ({ format, args, header, encrypted }) => {
    const name = `${format.replace(/\W+/g, '-')}-${encrypted}`;
    const { text, publicKey } = await sshKeygenKey(name, args, encrypted ? PASSPHRASE : '');
    expect(text).toContain(header);
    if (encrypted) {
      await expect(vault.importKey({ text })).rejects.toBeInstanceOf(PassphraseRequired);
      await expect(vault.importKey({ text, passphrase: 'nope nope' })).rejects.toBeInstanceOf(
        WrongPassphrase,
      );
    }
    const info = await vault.importKey({ text, name, ...(encrypted ? { passphrase: PASSPHRASE } : {}) });
    expect(keyPart(info.publicKey)).toBe(keyPart(publicKey));
  });

  it('imports a DER (PKCS#8) key given as bytes', async () => {
    const { text, publicKey } = await sshKeygenKey('der', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8'], '');
    const bytes = createPrivateKey(text).export({ format: 'der', type: 'pkcs8' });
    const info = await vault.importKey({ bytes, name: 'from DER' });
    expect(keyPart(info.publicKey)).toBe(keyPart(publicKey));
  });

  it('refuses public keys and ECDSA keys with a reason', async () => {
    const { text, publicKey } = await sshKeygenKey('ecdsa', ['-t', 'ecdsa'], '');
    await expect(vault.importKey({ text })).rejects.toThrow(/ecdsa/i);
    await expect(vault.importKey({ text: publicKey })).rejects.toBeInstanceOf(UnsupportedKey);
    await expect(vault.importKey({ text: publicKey })).rejects.toThrow(/public key/);
    await expect(vault.importKey({ text: 'hello' })).rejects.toBeInstanceOf(UnsupportedKey);
  });
});

describe('OpenSSH private keys written by the vault', () => {
  const cases = (['rsa', 'ed25519'] as const).flatMap((type) =>
    [false, true].map((encrypted) => ({ type, encrypted })),
  );

  it.each(cases)('ssh-keygen -y reads our $type key (encrypted: $encrypted)', async ({ type, encrypted }) => {
    const info =
      type === 'rsa'
        ? await vault.generate({ name: 'vault rsa', bits: 2048 })
        : await vault.importKey({
            text: (await sshKeygenKey(`src-${encrypted}`, ['-t', 'ed25519'], '')).text,
            name: 'vault ed25519',
          });
    const text = await vault.exportPrivate(info.id, {
      format: 'openssh',
      ...(encrypted ? { passphrase: PASSPHRASE } : {}),
    });
    const path = await work.file(`ours-${type}-${encrypted}`, text);

    const printed = await sshKeygen('-y', '-P', encrypted ? PASSPHRASE : '', '-f', path);
    expect(keyPart(printed)).toBe(keyPart(info.publicKey));
    if (encrypted) {
      await expect(sshKeygen('-y', '-P', 'wrong passphrase', '-f', path)).rejects.toThrow();
      // And back through our own reader, in a fresh vault.
      await vault.delete(info.id);
      await expect(vault.importKey({ text })).rejects.toBeInstanceOf(PassphraseRequired);
      const again = await vault.importKey({ text, passphrase: PASSPHRASE });
      expect(again.publicKey).toBe(info.publicKey);
    }
  });
});
