import { keyBits } from '../keys/publicKey.ts';

/** The key families a deployment may switch on. DSA is deliberately not among them. */
export type AllowedKeyType = 'rsa' | 'ed25519' | 'ecdsa';

export const ALLOWED_KEY_TYPES: readonly AllowedKeyType[] = ['rsa', 'ed25519', 'ecdsa'];

export type KeyVerdict =
  | { accepted: true; algorithm: string; bits: number }
  | { accepted: false; algorithm: string; bits: number; reason: string };

/** Parses `--key-types rsa,ed25519`; the error names the bad entry and the choices. */
export function parseKeyTypes(list: string): AllowedKeyType[] {
  const types = list
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  for (const type of types) {
    if (type === 'dsa' || type === 'dss') {
      throw new RangeError(
        'DSA keys cannot be enabled: they are broken (1024-bit, SHA-1) and OpenSSH dropped them.',
      );
    }
    if (!(ALLOWED_KEY_TYPES as readonly string[]).includes(type)) {
      throw new RangeError(`Unknown key type "${type}": choose from ${ALLOWED_KEY_TYPES.join(', ')}.`);
    }
  }
  if (types.length === 0)
    throw new RangeError(`Name at least one key type: ${ALLOWED_KEY_TYPES.join(', ')}.`);
  return [...new Set(types)] as AllowedKeyType[];
}

const OPENSSH_NAMES: Record<AllowedKeyType, readonly string[]> = {
  rsa: ['ssh-rsa'],
  ed25519: ['ssh-ed25519'],
  ecdsa: ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'],
};

/** The key types as OpenSSH names them (`ssh-rsa`, …): what a client compares its keys against. */
export function openSshKeyTypes(types: readonly AllowedKeyType[]): string[] {
  return [...new Set(types)].flatMap((type) => OPENSSH_NAMES[type]);
}

function familyOf(algorithm: string): AllowedKeyType | 'dsa' | undefined {
  if (algorithm === 'ssh-rsa') return 'rsa';
  if (algorithm === 'ssh-ed25519') return 'ed25519';
  if (algorithm.startsWith('ecdsa-sha2-')) return 'ecdsa';
  if (algorithm === 'ssh-dss') return 'dsa';
  return undefined;
}

/**
 * Which user keys may log in. Like the real service the default is RSA only, at least 2048 bits;
 * a deployment can widen it to Ed25519 and ECDSA. The reason of a refusal goes to the audit log,
 * so an operator can tell a user why their key was not taken.
 */
export class KeyPolicy {
  private readonly types: ReadonlySet<AllowedKeyType>;

  constructor(
    types: readonly AllowedKeyType[],
    private readonly minRsaBits: number,
  ) {
    this.types = new Set(types);
  }

  /** `algorithm` is the key's own type (ssh2 reports `ssh-rsa` for rsa-sha2-* signatures too). */
  evaluate(algorithm: string, blob: Buffer): KeyVerdict {
    const family = familyOf(algorithm);
    const bits = family === undefined ? 0 : safeBits(algorithm, blob);
    if (family === 'dsa') {
      return { accepted: false, algorithm, bits, reason: 'DSA keys are never accepted' };
    }
    if (family === undefined) {
      return {
        accepted: false,
        algorithm,
        bits,
        reason: `key type ${printable(algorithm)} is not supported`,
      };
    }
    if (!this.types.has(family)) {
      return {
        accepted: false,
        algorithm,
        bits,
        reason: `${family} keys are not accepted here (accepted: ${[...this.types].join(', ')})`,
      };
    }
    if (family === 'rsa' && bits < this.minRsaBits) {
      return {
        accepted: false,
        algorithm,
        bits,
        reason: `RSA key of ${bits} bits is too short (at least ${this.minRsaBits} required)`,
      };
    }
    return { accepted: true, algorithm, bits };
  }
}

function safeBits(algorithm: string, blob: Buffer): number {
  try {
    return keyBits(algorithm, blob);
  } catch {
    return 0;
  }
}

/** Keeps whatever a client sent as a key type short and free of control characters for the log. */
function printable(text: string): string {
  return JSON.stringify(text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64));
}
