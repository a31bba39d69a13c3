import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { KeyFileCorrupt, PassphraseRequired, UnsupportedKey, WrongPassphrase } from './errors.ts';
import type { ParsedPrivateKey } from './opensshFormat.ts';
import { isArgon2Flavour, ppkV2Keys, ppkV3Keys, type Argon2Params, type PpkKeys } from './ppkKdf.ts';
import {
  blobKeyType,
  ed25519Bytes,
  ed25519FromSeed,
  publicBlob,
  rsaFromNumbers,
  rsaNumbers,
  type SshKeyPair,
} from './sshKey.ts';
import { SshReader, SshWriter, wrapBase64 } from './sshWire.ts';

/*
 * PuTTY's private key files (.ppk), versions 2 and 3, as PuTTY's manual (appendix C) defines them. ssh2
 * reads only version 2 RSA/DSA keys, and PuTTYgen has written version 3 by default since 0.75.
 */

const CIPHER = 'aes256-cbc';
const BLOCK_SIZE = 16;
const LINE_WIDTH = 64;

/** What PuTTYgen 0.78 chose on this project's machines for its ~100 ms target: Argon2id, 8 MiB, 21 passes. */
export const DEFAULT_ARGON2: Omit<Argon2Params, 'salt'> = {
  flavour: 'Argon2id',
  memoryKiB: 8192,
  passes: 21,
  parallelism: 1,
};

export function isPpk(text: string): boolean {
  return /^\uFEFF?\s*PuTTY-User-Key-File-\d+:/.test(text);
}

/** The PPK's `Name: value` lines, which PuTTY writes, and reads, in a fixed order. */
class PpkLines {
  readonly #lines: string[];
  #index = 0;

  constructor(text: string) {
    this.#lines = text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .split(/\r\n|\r|\n/);
  }

  next(): string {
    const line = this.#lines[this.#index++];
    if (line === undefined) throw new KeyFileCorrupt('the file ends early');
    return line;
  }

  header(name: string): string {
    const line = this.next();
    // "Name: value"; an editor may have stripped the space after an empty value ("Comment:").
    if (!line.startsWith(`${name}:`)) throw new KeyFileCorrupt(`a '${name}:' line is expected`);
    const value = line.slice(name.length + 1);
    return value.startsWith(' ') ? value.slice(1) : value;
  }

  number(name: string): number {
    const value = this.header(name).trim();
    if (!/^\d{1,9}$/.test(value)) throw new KeyFileCorrupt(`'${name}' is not a number`);
    return Number(value);
  }

  base64Block(name: string): Buffer {
    const count = this.number(name);
    const text = Array.from({ length: count }, () => this.next().trim()).join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text))
      throw new KeyFileCorrupt(`the lines after '${name}' are not base64`);
    return Buffer.from(text, 'base64');
  }
}

export async function parsePpk(text: string, passphrase?: string): Promise<ParsedPrivateKey> {
  const lines = new PpkLines(text);
  const first = /^PuTTY-User-Key-File-(\d+): (\S+)\s*$/.exec(lines.next());
  const algorithm = first?.[2];
  if (!first || !algorithm) throw new KeyFileCorrupt('the first line is not a PuTTY key header');
  const version = Number(first[1]);
  if (version !== 2 && version !== 3) {
    throw new UnsupportedKey(
      `PuTTY key files of version ${version} are not supported: re-save the key with PuTTYgen (version 3).`,
    );
  }
  const encryption = lines.header('Encryption');
  if (encryption !== 'none' && encryption !== CIPHER) {
    throw new UnsupportedKey(`PuTTY key files encrypted with '${encryption}' are not supported.`);
  }
  const comment = lines.header('Comment');
  const storedPublic = lines.base64Block('Public-Lines');
  const argon2 = version === 3 && encryption !== 'none' ? readArgon2(lines) : null;
  const sealedPrivate = lines.base64Block('Private-Lines');
  const mac = Buffer.from(lines.header('Private-MAC').trim(), 'hex');

  const encrypted = encryption !== 'none';
  if (encrypted && !passphrase) throw new PassphraseRequired();
  const secret = encrypted && passphrase ? passphrase : null;
  const keys = version === 3 ? await ppkV3Keys(secret, argon2) : ppkV2Keys(secret);
  const privateBlob = encrypted ? decrypt(sealedPrivate, keys) : sealedPrivate;

  const expected = macOf(version, keys, algorithm, encryption, comment, storedPublic, privateBlob);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    if (encrypted) throw new WrongPassphrase('this PuTTY key (or the file was changed)');
    throw new KeyFileCorrupt('its Private-MAC does not match: the file was edited or damaged');
  }

  if (blobKeyType(storedPublic) !== algorithm) throw new KeyFileCorrupt('the key type lines disagree');
  const pair = readKey(algorithm, storedPublic, privateBlob);
  if (!publicBlob(pair).equals(storedPublic)) throw new KeyFileCorrupt('the public key does not match');
  return { pair, comment };
}

function readArgon2(lines: PpkLines): Argon2Params {
  const flavour = lines.header('Key-Derivation');
  if (!isArgon2Flavour(flavour))
    throw new UnsupportedKey(`The key derivation '${flavour}' is not supported.`);
  return {
    flavour,
    memoryKiB: lines.number('Argon2-Memory'),
    passes: lines.number('Argon2-Passes'),
    parallelism: lines.number('Argon2-Parallelism'),
    salt: Buffer.from(lines.header('Argon2-Salt').trim(), 'hex'),
  };
}

function decrypt(sealed: Buffer, keys: PpkKeys): Buffer {
  if (sealed.length % BLOCK_SIZE !== 0) throw new KeyFileCorrupt('the private part is not whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', keys.cipherKey, keys.iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(sealed), decipher.final()]);
}

/** The MAC covers every field, so the public half cannot be swapped under a private one (PuTTY manual C.5). */
function macOf(
  version: 2 | 3,
  keys: PpkKeys,
  algorithm: string,
  encryption: string,
  comment: string,
  publicBytes: Buffer,
  privateBytes: Buffer,
): Buffer {
  const data = new SshWriter()
    .string(algorithm)
    .string(encryption)
    .string(comment)
    .string(publicBytes)
    .string(privateBytes)
    .toBuffer();
  return createHmac(version === 3 ? 'sha256' : 'sha1', keys.macKey)
    .update(data)
    .digest();
}

function readKey(algorithm: string, publicBytes: Buffer, privateBytes: Buffer): SshKeyPair {
  const pub = new SshReader(publicBytes, 'public key');
  pub.text();
  const priv = new SshReader(privateBytes, 'private key');
  if (algorithm === 'ssh-rsa') {
    const e = pub.mpint();
    const n = pub.mpint();
    const d = priv.mpint();
    const p = priv.mpint();
    const q = priv.mpint();
    return rsaFromNumbers({ n, e, d, p, q });
  }
  // ssh-ed25519: the 32-byte secret seed, stored as a string (PuTTY manual C.3).
  return ed25519FromSeed(priv.string(), pub.string());
}

export interface PpkWriteOptions {
  readonly passphrase?: string;
  /** Argon2 cost for an encrypted file; the salt is always fresh. */
  readonly argon2?: Omit<Argon2Params, 'salt'>;
}

/** A version 3 file, as PuTTYgen ≥ 0.75 writes it. */
export async function writePpk(
  pair: SshKeyPair,
  comment: string,
  options: PpkWriteOptions = {},
): Promise<string> {
  if (/[\r\n]/.test(comment)) throw new KeyFileCorrupt('a PPK comment cannot hold a line break');
  const passphrase = options.passphrase || null;
  const encrypted = passphrase !== null;
  const encryption = encrypted ? CIPHER : 'none';
  const argon2: Argon2Params | null = encrypted
    ? { ...(options.argon2 ?? DEFAULT_ARGON2), salt: randomBytes(16) }
    : null;
  const keys = await ppkV3Keys(passphrase, argon2);
  const publicBytes = publicBlob(pair);
  const privateBytes = encrypted ? pad(privateBlob(pair)) : privateBlob(pair);
  const mac = macOf(3, keys, pair.type, encryption, comment, publicBytes, privateBytes);
  const sealed = encrypted
    ? (() => {
        const cipher = createCipheriv('aes-256-cbc', keys.cipherKey, keys.iv).setAutoPadding(false);
        return Buffer.concat([cipher.update(privateBytes), cipher.final()]);
      })()
    : privateBytes;

  const publicLines = wrapBase64(publicBytes, LINE_WIDTH);
  const privateLines = wrapBase64(sealed, LINE_WIDTH);
  const out = [
    `PuTTY-User-Key-File-3: ${pair.type}`,
    `Encryption: ${encryption}`,
    `Comment: ${comment}`,
    `Public-Lines: ${publicLines.length}`,
    ...publicLines,
  ];
  if (argon2) {
    out.push(
      `Key-Derivation: ${argon2.flavour}`,
      `Argon2-Memory: ${argon2.memoryKiB}`,
      `Argon2-Passes: ${argon2.passes}`,
      `Argon2-Parallelism: ${argon2.parallelism}`,
      `Argon2-Salt: ${argon2.salt.toString('hex')}`,
    );
  }
  out.push(
    `Private-Lines: ${privateLines.length}`,
    ...privateLines,
    `Private-MAC: ${mac.toString('hex')}`,
    '',
  );
  return out.join('\n');
}

function privateBlob(pair: SshKeyPair): Buffer {
  if (pair.type === 'ssh-rsa') {
    const { d, p, q, iqmp } = rsaNumbers(pair);
    return new SshWriter().mpint(d).mpint(p).mpint(q).mpint(iqmp).toBuffer();
  }
  return new SshWriter().string(ed25519Bytes(pair).seed).toBuffer();
}

/** Padding as PuTTY makes it: the first bytes of SHA-1 of the unpadded blob, never a whole extra block. */
function pad(blob: Buffer): Buffer {
  const padLength = (BLOCK_SIZE - (blob.length % BLOCK_SIZE)) % BLOCK_SIZE;
  return Buffer.concat([blob, createHash('sha1').update(blob).digest().subarray(0, padLength)]);
}
