import { createCipheriv, createDecipheriv, randomBytes, randomInt, type CipherGCMTypes } from 'node:crypto';
import type BcryptPbkdf from 'bcrypt-pbkdf';
import { lazyModule } from '../system/lazyModule.ts';
import { KeyFileCorrupt, PassphraseRequired, UnsupportedKey, WrongPassphrase } from './errors.ts';
import { readArmor, writeArmor } from './pemArmor.ts';
import {
  ed25519Bytes,
  ed25519FromSeed,
  publicBlob,
  rsaFromNumbers,
  rsaNumbers,
  type SshKeyPair,
} from './sshKey.ts';
import { SshReader, SshWriter } from './sshWire.ts';

const bcryptPbkdf = lazyModule<typeof BcryptPbkdf>('bcrypt-pbkdf');

/*
 * OpenSSH's own private key format ("openssh-key-v1", PROTOCOL.key in OpenSSH's sources). node:crypto
 * cannot read or write it, and ssh-keygen has written it by default since OpenSSH 7.8.
 */

const LABEL = 'OPENSSH PRIVATE KEY';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
/** ssh-keygen's defaults for a new passphrase: aes256-ctr keyed by bcrypt_pbkdf with 16 rounds. */
const WRITE_CIPHER = 'aes256-ctr';
const WRITE_ROUNDS = 16;
/** Far above anything ssh-keygen writes (`-a 100` is already slow): refuses files made to hang us. */
const MAX_ROUNDS = 10_000;

interface Cipher {
  readonly node: string;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly blockSize: number;
  readonly tagLength: number;
}

const CIPHERS: Readonly<Record<string, Cipher>> = {
  none: { node: '', keyLength: 0, ivLength: 0, blockSize: 8, tagLength: 0 },
  'aes128-ctr': { node: 'aes-128-ctr', keyLength: 16, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes192-ctr': { node: 'aes-192-ctr', keyLength: 24, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes256-ctr': { node: 'aes-256-ctr', keyLength: 32, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes128-cbc': { node: 'aes-128-cbc', keyLength: 16, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes192-cbc': { node: 'aes-192-cbc', keyLength: 24, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes256-cbc': { node: 'aes-256-cbc', keyLength: 32, ivLength: 16, blockSize: 16, tagLength: 0 },
  'aes128-gcm@openssh.com': {
    node: 'aes-128-gcm',
    keyLength: 16,
    ivLength: 12,
    blockSize: 16,
    tagLength: 16,
  },
  'aes256-gcm@openssh.com': {
    node: 'aes-256-gcm',
    keyLength: 32,
    ivLength: 12,
    blockSize: 16,
    tagLength: 16,
  },
};

const WRITE_CIPHER_SPEC: Cipher = CIPHERS['aes256-ctr'] as Cipher;

export interface ParsedPrivateKey {
  readonly pair: SshKeyPair;
  readonly comment: string;
}

export function isOpenSshPrivateKey(text: string): boolean {
  return text.includes(`-----BEGIN ${LABEL}-----`);
}

export function parseOpenSshPrivateKey(text: string, passphrase?: string): ParsedPrivateKey {
  const bytes = readArmor(text, LABEL);
  if (!bytes) throw new UnsupportedKey('This is not an OpenSSH private key file.');
  const reader = new SshReader(bytes, 'OpenSSH key');
  if (!reader.raw(MAGIC.length).equals(MAGIC)) throw new KeyFileCorrupt('not an openssh-key-v1 file');
  const cipherName = reader.text();
  const kdfName = reader.text();
  const kdfOptions = reader.string();
  if (reader.uint32() !== 1)
    throw new UnsupportedKey('OpenSSH files holding several keys are not supported.');
  const storedPublic = reader.string();
  const sealed = reader.string();
  const cipher = CIPHERS[cipherName];
  if (!cipher) {
    throw new UnsupportedKey(
      `The key file is encrypted with ${cipherName}, which is not supported; ` +
        're-encrypt it with `ssh-keygen -p -Z aes256-ctr -f FILE` and import it again.',
    );
  }
  const tag = reader.raw(cipher.tagLength);

  const encrypted = cipherName !== 'none';
  const plain = encrypted ? decrypt(cipher, kdfName, kdfOptions, sealed, tag, passphrase) : sealed;
  const inner = new SshReader(plain, 'OpenSSH key');
  if (inner.uint32() !== inner.uint32()) {
    if (encrypted) throw new WrongPassphrase('this OpenSSH key');
    throw new KeyFileCorrupt('the check numbers differ');
  }
  const pair = readPrivate(inner);
  const comment = inner.text();
  const padding = inner.raw(inner.remaining);
  if (padding.some((byte, i) => byte !== i + 1)) throw new KeyFileCorrupt('bad padding');
  if (!publicBlob(pair).equals(storedPublic)) throw new KeyFileCorrupt('the public key does not match');
  return { pair, comment };
}

function decrypt(
  cipher: Cipher,
  kdfName: string,
  kdfOptions: Buffer,
  sealed: Buffer,
  tag: Buffer,
  passphrase: string | undefined,
): Buffer {
  if (kdfName !== 'bcrypt') throw new UnsupportedKey(`The key derivation ${kdfName} is not supported.`);
  if (!passphrase) throw new PassphraseRequired();
  const options = new SshReader(kdfOptions, 'OpenSSH key options');
  const salt = options.string();
  const rounds = options.uint32();
  if (rounds < 1 || rounds > MAX_ROUNDS)
    throw new UnsupportedKey(`A bcrypt round count of ${rounds} is refused.`);
  const derived = bcrypt(passphrase, salt, cipher.keyLength + cipher.ivLength, rounds);
  const key = derived.subarray(0, cipher.keyLength);
  const iv = derived.subarray(cipher.keyLength);
  const decipher =
    cipher.tagLength > 0
      ? createDecipheriv(cipher.node as CipherGCMTypes, key, iv).setAuthTag(tag)
      : createDecipheriv(cipher.node, key, iv).setAutoPadding(false);
  try {
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    // Only GCM authenticates: there a wrong passphrase and a damaged file look alike.
    throw new WrongPassphrase('this OpenSSH key (or the file was changed)');
  }
}

function readPrivate(reader: SshReader): SshKeyPair {
  const type = reader.text();
  if (type === 'ssh-rsa') {
    const n = reader.mpint();
    const e = reader.mpint();
    const d = reader.mpint();
    reader.mpint(); // iqmp: recomputed from p and q
    const p = reader.mpint();
    const q = reader.mpint();
    return rsaFromNumbers({ n, e, d, p, q });
  }
  if (type === 'ssh-ed25519') {
    const publicKey = reader.string();
    const secret = reader.string();
    if (secret.length !== 64) throw new KeyFileCorrupt('an Ed25519 secret of the wrong length');
    return ed25519FromSeed(secret.subarray(0, 32), publicKey);
  }
  throw new UnsupportedKey(`Keys of type ${type} are not supported: use an RSA or Ed25519 key.`);
}

function bcrypt(passphrase: string, salt: Buffer, length: number, rounds: number): Buffer {
  const pass = Buffer.from(passphrase, 'utf8');
  const out = Buffer.alloc(length);
  if (bcryptPbkdf().pbkdf(pass, pass.length, salt, salt.length, out, length, rounds) !== 0) {
    throw new KeyFileCorrupt('bad bcrypt parameters');
  }
  return out;
}

/** The key as ssh-keygen writes it: unencrypted, or with aes256-ctr + bcrypt_pbkdf under a passphrase. */
export function writeOpenSshPrivateKey(pair: SshKeyPair, comment: string, passphrase?: string): string {
  const cipherName = passphrase ? WRITE_CIPHER : 'none';
  const cipher = CIPHERS[cipherName] ?? WRITE_CIPHER_SPEC;
  const check = randomInt(0, 2 ** 32);
  const inner = new SshWriter().uint32(check).uint32(check);
  writePrivate(inner, pair);
  inner.string(comment);
  const unpadded = inner.toBuffer();
  const padLength = (cipher.blockSize - (unpadded.length % cipher.blockSize)) % cipher.blockSize;
  const plain = Buffer.concat([unpadded, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1))]);

  let sealed: Buffer = plain;
  let kdfName = 'none';
  let kdfOptions: Buffer = Buffer.alloc(0);
  if (passphrase) {
    const salt = randomBytes(16);
    kdfName = 'bcrypt';
    kdfOptions = new SshWriter().string(salt).uint32(WRITE_ROUNDS).toBuffer();
    const derived = bcrypt(passphrase, salt, cipher.keyLength + cipher.ivLength, WRITE_ROUNDS);
    const encipher = createCipheriv(
      cipher.node,
      derived.subarray(0, cipher.keyLength),
      derived.subarray(cipher.keyLength),
    );
    encipher.setAutoPadding(false);
    sealed = Buffer.concat([encipher.update(plain), encipher.final()]);
  }

  const file = new SshWriter()
    .raw(MAGIC)
    .string(cipherName)
    .string(kdfName)
    .string(kdfOptions)
    .uint32(1)
    .string(publicBlob(pair))
    .string(sealed)
    .toBuffer();
  return writeArmor(file, LABEL, 70);
}

function writePrivate(writer: SshWriter, pair: SshKeyPair): void {
  writer.string(pair.type);
  if (pair.type === 'ssh-rsa') {
    const { n, e, d, iqmp, p, q } = rsaNumbers(pair);
    writer.mpint(n).mpint(e).mpint(d).mpint(iqmp).mpint(p).mpint(q);
    return;
  }
  const { seed, publicKey } = ed25519Bytes(pair);
  writer.string(publicKey).string(Buffer.concat([seed, publicKey]));
}
