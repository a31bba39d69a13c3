import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

/** Why a pasted public key was refused; the message is shown to the user as it is. */
export class InvalidPublicKeyError extends Error {
  constructor(
    message: string,
    readonly reason: 'private-key' | 'malformed' | 'certificate' | 'unsupported',
  ) {
    super(message);
    this.name = 'InvalidPublicKeyError';
  }
}

export interface PublicKeyInfo {
  /** ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-dss */
  algorithm: string;
  bits: number;
  /** The SSH wire-format public key blob. */
  blob: Buffer;
  comment: string;
  /** `type base64 comment`, normalised to single spaces. */
  openssh: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
}

const SUPPORTED = new Set([
  'ssh-rsa',
  'ssh-ed25519',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

const PRIVATE_KEY_MARKERS = [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, /^PuTTY-User-Key-File-\d+:/m];

/** `SHA256:…` exactly as `ssh-keygen -l -E sha256` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** `aa:bb:…` as the dashboard (and `ssh-keygen -l -E md5`, without its prefix) prints it. */
export function fingerprintMd5(blob: Buffer): string {
  return createHash('md5')
    .update(blob)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/**
 * Parses an OpenSSH one-line public key (`ssh-ed25519 AAAA… comment`). Refuses, with a message a
 * person can act on, a private key pasted by mistake, certificates, and anything malformed.
 */
export function parsePublicKey(text: string): PublicKeyInfo {
  const trimmed = text.trim();
  if (PRIVATE_KEY_MARKERS.some((marker) => marker.test(trimmed))) {
    throw new InvalidPublicKeyError(
      'This is a private key. Paste the public key instead (the .pub file, one line starting with ssh-rsa or ssh-ed25519); keep the private key secret.',
      'private-key',
    );
  }
  if (trimmed.includes('\n')) {
    throw new InvalidPublicKeyError(
      'A public key is a single line: "TYPE BASE64 [comment]". Paste the OpenSSH one-line form (e.g. from the .pub file).',
      'malformed',
    );
  }
  const [type = '', base64 = '', ...rest] = trimmed.split(/\s+/);
  if (type.includes('-cert-v01@openssh.com')) {
    throw new InvalidPublicKeyError(
      'SSH certificates are not accepted here; add the plain public key.',
      'certificate',
    );
  }
  if (!SUPPORTED.has(type)) {
    throw new InvalidPublicKeyError(
      `Not an OpenSSH public key: expected "ssh-rsa", "ssh-ed25519" or "ecdsa-sha2-…" followed by base64, got "${type.slice(0, 40)}".`,
      type.startsWith('ssh-') || type.startsWith('ecdsa-') ? 'unsupported' : 'malformed',
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new InvalidPublicKeyError('The key data is not valid base64.', 'malformed');
  }
  const parsed = ssh2.utils.parseKey(`${type} ${base64}`);
  if (parsed instanceof Error || Array.isArray(parsed) || parsed.isPrivateKey()) {
    throw new InvalidPublicKeyError('The key data is damaged or incomplete.', 'malformed');
  }
  const blob = parsed.getPublicSSH();
  const bits = keyBits(type, blob);
  const comment = rest.join(' ');
  return {
    algorithm: type,
    bits,
    blob,
    comment,
    openssh: comment ? `${type} ${base64} ${comment}` : `${type} ${base64}`,
    fingerprintSha256: fingerprintSha256(blob),
    fingerprintMd5: fingerprintMd5(blob),
  };
}

/** Reads the SSH wire format's length-prefixed strings out of a key blob. */
function wireStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const length = blob.readUInt32BE(at);
    at += 4;
    if (at + length > blob.length) throw new InvalidPublicKeyError('The key data is truncated.', 'malformed');
    out.push(blob.subarray(at, at + length));
    at += length;
  }
  return out;
}

function mpintBits(value: Buffer | undefined): number {
  if (!value) return 0;
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  if (start === value.length) return 0;
  const first = value[start] ?? 0;
  return (value.length - start - 1) * 8 + (32 - Math.clz32(first));
}

/** The key size as `ssh-keygen -l` reports it. */
export function keyBits(type: string, blob: Buffer): number {
  switch (type) {
    case 'ssh-rsa':
      // string "ssh-rsa", mpint e, mpint n
      return mpintBits(wireStrings(blob)[2]);
    case 'ssh-dss':
      // string "ssh-dss", mpint p, q, g, y
      return mpintBits(wireStrings(blob)[1]);
    case 'ssh-ed25519':
      return 256;
    case 'ecdsa-sha2-nistp256':
      return 256;
    case 'ecdsa-sha2-nistp384':
      return 384;
    case 'ecdsa-sha2-nistp521':
      return 521;
    default:
      return 0;
  }
}
