import { createHash } from 'node:crypto';
import type * as Argon2 from '@noble/hashes/argon2.js';
import { lazyModule } from '../system/lazyModule.ts';
import { UnsupportedKey } from './errors.ts';

/*
 * How a PPK file turns a passphrase into its cipher key, IV and MAC key. Version 3 uses Argon2 with the
 * parameters written in the file; version 2 uses SHA-1 and an all-zero IV.
 */

export type Argon2Flavour = 'Argon2id' | 'Argon2i' | 'Argon2d';

export interface Argon2Params {
  readonly flavour: Argon2Flavour;
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
  readonly salt: Buffer;
}

export interface PpkKeys {
  readonly cipherKey: Buffer;
  readonly iv: Buffer;
  readonly macKey: Buffer;
}

const CIPHER_KEY_LENGTH = 32;
const IV_LENGTH = 16;
const V3_MAC_KEY_LENGTH = 32;
/** About 100× PuTTYgen's default cost: a file asking for more is refused rather than left to hang the app. */
const MAX_ARGON2_WORK = 8192 * 21 * 100;
const MAX_ARGON2_MEMORY_KIB = 1024 * 1024;

const argon2 = lazyModule<typeof Argon2>('@noble/hashes/argon2.js');
const ARGON2 = {
  Argon2id: (...args: Parameters<Argon2Async>) => argon2().argon2idAsync(...args),
  Argon2i: (...args: Parameters<Argon2Async>) => argon2().argon2iAsync(...args),
  Argon2d: (...args: Parameters<Argon2Async>) => argon2().argon2dAsync(...args),
} as const;
type Argon2Async = typeof Argon2.argon2idAsync;

export function isArgon2Flavour(value: string): value is Argon2Flavour {
  return Object.hasOwn(ARGON2, value);
}

/**
 * Version 3: Argon2(passphrase, salt) gives key ‖ IV ‖ MAC key. Unencrypted files use an empty MAC key.
 * Async, and it yields to the event loop while it runs, so terminals stay live during a slow derivation.
 */
export async function ppkV3Keys(passphrase: string | null, params: Argon2Params | null): Promise<PpkKeys> {
  if (passphrase === null || params === null) {
    return { cipherKey: Buffer.alloc(0), iv: Buffer.alloc(0), macKey: Buffer.alloc(0) };
  }
  checkCost(params);
  const derived = Buffer.from(
    await ARGON2[params.flavour](Buffer.from(passphrase, 'utf8'), params.salt, {
      t: params.passes,
      m: params.memoryKiB,
      p: params.parallelism,
      dkLen: CIPHER_KEY_LENGTH + IV_LENGTH + V3_MAC_KEY_LENGTH,
      asyncTick: 10,
    }),
  );
  return {
    cipherKey: derived.subarray(0, CIPHER_KEY_LENGTH),
    iv: derived.subarray(CIPHER_KEY_LENGTH, CIPHER_KEY_LENGTH + IV_LENGTH),
    macKey: derived.subarray(CIPHER_KEY_LENGTH + IV_LENGTH),
  };
}

function checkCost({ memoryKiB, passes, parallelism, salt }: Argon2Params): void {
  const valid =
    Number.isInteger(memoryKiB) &&
    Number.isInteger(passes) &&
    Number.isInteger(parallelism) &&
    passes >= 1 &&
    parallelism >= 1 &&
    parallelism <= 255 &&
    memoryKiB >= 8 * parallelism &&
    salt.length >= 8;
  if (!valid) throw new UnsupportedKey('The key file has invalid Argon2 parameters.');
  if (memoryKiB > MAX_ARGON2_MEMORY_KIB || memoryKiB * passes > MAX_ARGON2_WORK) {
    throw new UnsupportedKey(
      `The key file asks for an Argon2 cost (${memoryKiB} KiB × ${passes} passes) far above PuTTYgen's default; ` +
        're-save it in PuTTYgen with the default parameters and import it again.',
    );
  }
}

/** Version 2: key = SHA-1(0 ‖ pass) ‖ SHA-1(1 ‖ pass), IV = 0, MAC key = SHA-1(label ‖ pass). */
export function ppkV2Keys(passphrase: string | null): PpkKeys {
  const pass = Buffer.from(passphrase ?? '', 'utf8');
  const sha1 = (...parts: Buffer[]): Buffer => createHash('sha1').update(Buffer.concat(parts)).digest();
  const counter = (n: number): Buffer => Buffer.from([0, 0, 0, n]);
  return {
    cipherKey: Buffer.concat([sha1(counter(0), pass), sha1(counter(1), pass)]).subarray(0, CIPHER_KEY_LENGTH),
    iv: Buffer.alloc(IV_LENGTH),
    macKey: sha1(Buffer.from('putty-private-key-file-mac-key', 'latin1'), pass),
  };
}
