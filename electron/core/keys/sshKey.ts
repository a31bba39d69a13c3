import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { KeyFileCorrupt, UnsupportedKey } from './errors.ts';
import { SshReader, SshWriter, bigintFromBytes, bytesFromBigint } from './sshWire.ts';

/** The key types the vault holds: what the Enscale gateway and PuTTY/OpenSSH users bring. */
export type SshKeyType = 'ssh-rsa' | 'ssh-ed25519';

/** A private key and its public half, as node:crypto objects. Every file format converts to and from this. */
export interface SshKeyPair {
  readonly type: SshKeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** RSA numbers as unsigned big-endian bytes; `iqmp` is q⁻¹ mod p in both OpenSSH and PuTTY files. */
export interface RsaNumbers {
  readonly n: Buffer;
  readonly e: Buffer;
  readonly d: Buffer;
  readonly p: Buffer;
  readonly q: Buffer;
  readonly iqmp: Buffer;
}

export interface Ed25519Bytes {
  readonly seed: Buffer;
  readonly publicKey: Buffer;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function keyPairFromPrivate(privateKey: KeyObject): SshKeyPair {
  if (privateKey.type !== 'private')
    throw new UnsupportedKey('This is a public key; import the private key.');
  const publicKey = createPublicKey(privateKey);
  switch (privateKey.asymmetricKeyType) {
    case 'rsa':
      return { type: 'ssh-rsa', privateKey, publicKey };
    case 'ed25519':
      return { type: 'ssh-ed25519', privateKey, publicKey };
    default:
      throw new UnsupportedKey(
        `Keys of type ${privateKey.asymmetricKeyType ?? 'unknown'} are not supported: use an RSA or Ed25519 key.`,
      );
  }
}

export function rsaNumbers(pair: SshKeyPair): RsaNumbers {
  const jwk = pair.privateKey.export({ format: 'jwk' });
  const field = (name: 'n' | 'e' | 'd' | 'p' | 'q' | 'qi'): Buffer => {
    const value = jwk[name];
    if (typeof value !== 'string') throw new UnsupportedKey(`RSA key without '${name}'`);
    return Buffer.from(value, 'base64url');
  };
  return { n: field('n'), e: field('e'), d: field('d'), p: field('p'), q: field('q'), iqmp: field('qi') };
}

/**
 * An RSA key from the numbers a key file stores. CRT exponents and q⁻¹ mod p are recomputed rather than
 * trusted, and n = p·q is checked, so a damaged file cannot become a subtly wrong key.
 */
export function rsaFromNumbers(numbers: Omit<RsaNumbers, 'iqmp'>): SshKeyPair {
  const [n, e, d, p, q] = [numbers.n, numbers.e, numbers.d, numbers.p, numbers.q].map(bigintFromBytes) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (p < 2n || q < 2n || p * q !== n) throw new KeyFileCorrupt('the RSA numbers do not fit together');
  const b64 = (value: bigint): string => bytesFromBigint(value).toString('base64url');
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: b64(n),
      e: b64(e),
      d: b64(d),
      p: b64(p),
      q: b64(q),
      dp: b64(d % (p - 1n)),
      dq: b64(d % (q - 1n)),
      qi: b64(modInverse(q, p)),
    },
  });
  return keyPairFromPrivate(privateKey);
}

function modInverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [value % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new KeyFileCorrupt('the RSA primes are not coprime');
  return ((oldS % modulus) + modulus) % modulus;
}

export function ed25519Bytes(pair: SshKeyPair): Ed25519Bytes {
  const jwk = pair.privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string')
    throw new UnsupportedKey('Ed25519 key without d/x');
  return { seed: Buffer.from(jwk.d, 'base64url'), publicKey: Buffer.from(jwk.x, 'base64url') };
}

/** An Ed25519 key from its 32-byte seed; `expectedPublic`, when the file stores it, must match. */
export function ed25519FromSeed(seed: Buffer, expectedPublic?: Buffer): SshKeyPair {
  if (seed.length !== 32) throw new KeyFileCorrupt(`an Ed25519 seed of ${seed.length} bytes`);
  const pair = keyPairFromPrivate(
    createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  );
  if (expectedPublic && !ed25519Bytes(pair).publicKey.equals(expectedPublic)) {
    throw new KeyFileCorrupt('the Ed25519 public key does not match the private key');
  }
  return pair;
}

/** The public key blob as SSH sends it and authorized_keys stores it (base64). */
export function publicBlob(pair: SshKeyPair): Buffer {
  const writer = new SshWriter().string(pair.type);
  if (pair.type === 'ssh-rsa') {
    const { e, n } = rsaNumbers(pair);
    return writer.mpint(e).mpint(n).toBuffer();
  }
  return writer.string(ed25519Bytes(pair).publicKey).toBuffer();
}

/** The key type a public blob names, refusing types the vault does not hold. */
export function blobKeyType(blob: Buffer): SshKeyType {
  const type = new SshReader(blob, 'public key').text();
  if (type === 'ssh-rsa' || type === 'ssh-ed25519') return type;
  throw new UnsupportedKey(`Keys of type ${type} are not supported: use an RSA or Ed25519 key.`);
}

/** The OpenSSH one-liner (`ssh-ed25519 AAAA… comment`) for authorized_keys and the dashboard. */
export function publicLine(pair: SshKeyPair, comment: string): string {
  const line = `${pair.type} ${publicBlob(pair).toString('base64')}`;
  const oneLine = comment.replace(/[\r\n]+/g, ' ').trim();
  return oneLine ? `${line} ${oneLine}` : line;
}

export function keyBits(pair: SshKeyPair): number {
  if (pair.type === 'ssh-ed25519') return 256;
  return pair.privateKey.asymmetricKeyDetails?.modulusLength ?? rsaNumbers(pair).n.length * 8;
}

export interface Fingerprints {
  /** `SHA256:…` (unpadded base64), as `ssh-keygen -l` prints it. */
  readonly sha256: string;
  /** `aa:bb:…`, the form dashboards and older clients publish. */
  readonly md5: string;
}

export function fingerprints(blob: Buffer): Fingerprints {
  const sha256 = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  const md5 = createHash('md5')
    .update(blob)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
  return { sha256: `SHA256:${sha256}`, md5 };
}
