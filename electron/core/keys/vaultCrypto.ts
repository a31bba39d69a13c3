import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/*
 * How a private key rests on disk: AES-256-GCM under a 256-bit key that only the OS keychain holds.
 * File layout: MAGIC ‖ nonce (12) ‖ tag (16) ‖ ciphertext. The key's id is bound in as associated data,
 * so a file copied over another key's file fails to open instead of becoming that key.
 */

const MAGIC = Buffer.from('ENSCALE-KEY-1\n', 'latin1');
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
export const DATA_KEY_LENGTH = 32;

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_LENGTH);
}

function associatedData(keyId: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(`key-id:${keyId}`, 'utf8')]);
}

export function seal(dataKey: Buffer, keyId: string, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(associatedData(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, nonce, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or null when the file is not ours, was altered, belongs to another key, or the key is wrong. */
export function open(dataKey: Buffer, keyId: string, sealed: Buffer): Buffer | null {
  if (dataKey.length !== DATA_KEY_LENGTH) return null;
  if (sealed.length < MAGIC.length + NONCE_LENGTH + TAG_LENGTH) return null;
  if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const nonce = sealed.subarray(MAGIC.length, MAGIC.length + NONCE_LENGTH);
  const tag = sealed.subarray(MAGIC.length + NONCE_LENGTH, MAGIC.length + NONCE_LENGTH + TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(associatedData(keyId));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(MAGIC.length + NONCE_LENGTH + TAG_LENGTH)),
      decipher.final(),
    ]);
  } catch {
    return null;
  }
}
