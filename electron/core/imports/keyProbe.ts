import { createPublicKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readArmor } from '../keys/pemArmor.ts';
import { isPpk } from '../keys/ppk.ts';
import { fingerprints } from '../keys/sshKey.ts';
import { SshReader } from '../keys/sshWire.ts';
import { decodeTextFile } from '../keys/textFile.ts';

/*
 * What can be told of a key file without its passphrase: whether it is there, whether it is
 * encrypted, and its public key — stored in the clear in .ppk files (Public-Lines) and OpenSSH
 * files (the header), derivable from an unencrypted PEM key, else read from `<file>.pub`. The public
 * key is what says whether the vault already holds it.
 */

export interface KeyProbe {
  state: 'readable' | 'missing' | 'unreadable';
  encrypted: boolean;
  /** The public key blob, base64, when it could be read. */
  blob?: string;
  fingerprint?: string;
  problem?: string;
}

/** The vault reads at most this much too (KeyVault.importFile). */
const MAX_KEY_FILE = 64 * 1024;

export async function probeKeyFile(path: string): Promise<KeyProbe> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) return unreadable('it is not a file');
    if (info.size > MAX_KEY_FILE) return unreadable('it is too large to be a key file');
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { state: 'missing', encrypted: false, problem: 'there is no such file on this computer' };
    return unreadable(`it cannot be read (${code ?? (error as Error).message})`);
  }
  const text = decodeTextFile(bytes);
  let found: { encrypted: boolean; blob?: Buffer } | undefined;
  try {
    found = publicPart(text);
  } catch {
    found = undefined;
  }
  if (!found) return unreadable('it is not a private key file (OpenSSH, PEM or PuTTY .ppk)');
  const blob = found.blob ?? (await publicFromPubFile(path));
  return {
    state: 'readable',
    encrypted: found.encrypted,
    ...(blob ? { blob: blob.toString('base64'), fingerprint: fingerprints(blob).sha256 } : {}),
  };
}

const unreadable = (problem: string): KeyProbe => ({ state: 'unreadable', encrypted: false, problem });

function publicPart(text: string): { encrypted: boolean; blob?: Buffer } | undefined {
  if (isPpk(text)) {
    const encryption = /^Encryption: *(.*)$/m.exec(text)?.[1]?.trim();
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('Public-Lines:'));
    const count = Number(lines[at]?.slice('Public-Lines:'.length).trim());
    if (at < 0 || !Number.isInteger(count)) return undefined;
    const base64 = lines
      .slice(at + 1, at + 1 + count)
      .join('')
      .trim();
    return {
      encrypted: encryption !== undefined && encryption !== 'none',
      blob: Buffer.from(base64, 'base64'),
    };
  }
  const openssh = readArmor(text, 'OPENSSH PRIVATE KEY');
  if (openssh) {
    const reader = new SshReader(openssh, 'OpenSSH key');
    if (reader.raw(15).toString('latin1') !== 'openssh-key-v1\0') return undefined;
    const cipher = reader.text();
    reader.text();
    reader.string();
    reader.uint32();
    return { encrypted: cipher !== 'none', blob: reader.string() };
  }
  if (/-----BEGIN (RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    const encrypted = text.includes('BEGIN ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(text);
    if (encrypted) return { encrypted };
    return { encrypted, blob: blobOfPem(text) };
  }
  return undefined;
}

/** An unencrypted PEM key's public blob, as SSH writes it (RSA and Ed25519, the types the vault holds). */
function blobOfPem(text: string): Buffer | undefined {
  const jwk = createPublicKey(text).export({ format: 'jwk' });
  const field = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');
  const string = (bytes: Buffer): Buffer => Buffer.concat([u32(bytes.length), bytes]);
  const mpint = (bytes: Buffer): Buffer =>
    string(bytes[0] !== undefined && bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
  if (jwk.kty === 'RSA')
    return Buffer.concat([string(Buffer.from('ssh-rsa')), mpint(field(jwk.e)), mpint(field(jwk.n))]);
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519')
    return Buffer.concat([string(Buffer.from('ssh-ed25519')), string(field(jwk.x))]);
  return undefined;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** An encrypted PEM key's public half, from the `.pub` file ssh-keygen writes beside it. */
async function publicFromPubFile(path: string): Promise<Buffer | undefined> {
  try {
    const line = (await readFile(`${path}.pub`, 'utf8')).trim();
    const base64 = /^\S+\s+([A-Za-z0-9+/]+={0,2})/.exec(line)?.[1];
    return base64 ? Buffer.from(base64, 'base64') : undefined;
  } catch {
    return undefined;
  }
}
