import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { fingerprintMd5, fingerprintSha256 } from '../keys/publicKey.ts';

export interface HostKeyFingerprints {
  /** `SHA256:…`, as OpenSSH prints it when it first meets the gateway. */
  sha256: string;
  /** `aa:bb:…`, as the dashboard prints it. */
  md5: string;
}

export interface HostKey {
  type: 'ssh-rsa' | 'ssh-ed25519';
  /** OpenSSH private key file contents. */
  privateKey: string;
  /** OpenSSH one-line public key, ready for a known_hosts line. */
  publicKey: string;
  fingerprints: HostKeyFingerprints;
}

/**
 * The gateway's identity. The real service shows an RSA key, so `rsa` is the one to publish
 * (dashboard, ready line); `ed25519` is also offered so modern clients that prefer it work too.
 */
export interface HostKeySet {
  rsa: HostKey;
  ed25519: HostKey;
}

/** Raised when a key file exists but cannot be used; the message says which file and what to do. */
export class HostKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

const FILES = {
  rsa: 'ssh_host_rsa_key',
  ed25519: 'ssh_host_ed25519_key',
} as const;

/**
 * Loads the host keys from `dir`, generating the missing ones (RSA 3072, Ed25519) the first time.
 * Keys are written with mode 0600 through a temporary file and a rename, so a crash mid-write
 * never leaves a half key that would change the gateway's identity on the next start.
 */
export function loadOrCreateHostKeys(dir: string): HostKeySet {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    rsa: loadOrCreate(join(dir, FILES.rsa), 'ssh-rsa'),
    ed25519: loadOrCreate(join(dir, FILES.ed25519), 'ssh-ed25519'),
  };
}

function loadOrCreate(path: string, type: HostKey['type']): HostKey {
  if (!existsSync(path)) {
    // ssh-keygen, not ssh2's generateKeyPairSync: for Ed25519 that drops a leading zero byte of
    // the public key (about one key in 256), and clients then refuse every signature.
    const temporary = `${path}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.pub`, { force: true });
    const args = type === 'ssh-rsa' ? ['-t', 'rsa', '-b', '3072'] : ['-t', 'ed25519'];
    try {
      execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', 'enscale-gateway', '-f', temporary], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      throw new HostKeyError(
        `Could not generate the gateway's host key with ssh-keygen (${(error as Error).message.split('\n')[0]}). ` +
          'Install openssh-client.',
      );
    }
    renameSync(`${temporary}.pub`, `${path}.pub`);
    renameSync(temporary, path);
  }
  return readHostKey(path, type);
}

function readHostKey(path: string, type: HostKey['type']): HostKey {
  const privateKey = readFileSync(path, 'utf8');
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error || !key.isPrivateKey()) {
    const why = key instanceof Error ? key.message : 'not a private key';
    throw new HostKeyError(
      `Host key ${path} cannot be read (${why}). Delete it to have a new one generated.`,
    );
  }
  if (key.type !== type) {
    throw new HostKeyError(
      `Host key ${path} is a ${key.type} key, expected ${type}. Move it away or delete it.`,
    );
  }
  const blob = key.getPublicSSH();
  return {
    type,
    privateKey,
    publicKey: `${type} ${blob.toString('base64')}`,
    fingerprints: { sha256: fingerprintSha256(blob), md5: fingerprintMd5(blob) },
  };
}

/** The fingerprints to publish for the gateway (the RSA key's, as the real service shows). */
export function gatewayHostKeyFingerprints(keys: HostKeySet): HostKeyFingerprints {
  return keys.rsa.fingerprints;
}
