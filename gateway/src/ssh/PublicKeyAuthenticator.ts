import ssh2 from 'ssh2';
import type { AuthContext } from 'ssh2';
import { fingerprintSha256, parsePublicKey } from '../keys/publicKey.ts';
import type { Store } from '../store/Store.ts';
import type { GatewayUser } from './gatewayUser.ts';
import { parseGatewayUser } from './gatewayUser.ts';
import type { KeyPolicy } from './KeyPolicy.ts';

/** What the key in an authentication request was, for the audit log (never the key itself). */
export interface OfferedKey {
  keyType: string;
  keyBits: number;
  fingerprint: string;
}

/**
 * The answer to one authentication request:
 * - `accept`: signature verified, the key belongs to the user — log them in;
 * - `key-ok`: the client asked whether a key would do (no signature yet) and it would;
 * - `ignore`: the `none` probe every client starts with — tell it to use a key, count nothing;
 * - `reject`: a failed attempt, with the reason for the audit log.
 */
export type AuthDecision =
  | { verdict: 'accept'; user: GatewayUser; key: OfferedKey }
  | { verdict: 'key-ok'; user: GatewayUser; key: OfferedKey }
  | { verdict: 'ignore' }
  | { verdict: 'reject'; reason: string; user?: GatewayUser; key?: OfferedKey };

/**
 * Public-key authentication only. Passwords and keyboard-interactive are never offered and
 * never read; a request for them is a failed attempt. A key is accepted when its blob is one of
 * the user's registered keys, its type passes the key policy, and — for the real attempt — its
 * signature verifies.
 */
export class PublicKeyAuthenticator {
  constructor(
    private readonly store: Store,
    private readonly policy: KeyPolicy,
  ) {}

  async decide(ctx: AuthContext): Promise<AuthDecision> {
    if (ctx.method === 'none') return { verdict: 'ignore' };
    // The grammar comes first: a malformed name never reaches the store.
    const user = parseGatewayUser(ctx.username);
    if (!user) return { verdict: 'reject', reason: 'malformed user name (expected UID or NODEID-UID)' };
    if (ctx.method !== 'publickey') {
      return {
        verdict: 'reject',
        reason: `${ctx.method} authentication is not offered (public keys only)`,
        user,
      };
    }
    const blob = ctx.key.data;
    // The type written inside the blob, not the one the client claims next to it.
    const algorithm = blobType(blob) ?? ctx.key.algo;
    const verdict = this.policy.evaluate(algorithm, blob);
    const key: OfferedKey = {
      keyType: algorithm,
      keyBits: verdict.bits,
      fingerprint: fingerprintSha256(blob),
    };
    if (!verdict.accepted) return { verdict: 'reject', reason: verdict.reason, user, key };

    if (!(await this.isRegistered(user.uid, key.fingerprint, blob))) {
      return { verdict: 'reject', reason: `key is not registered for user ${user.uid}`, user, key };
    }
    if (!ctx.signature || !ctx.blob) return { verdict: 'key-ok', user, key };
    return verifies(blob, ctx.blob, ctx.signature, ctx.hashAlgo)
      ? { verdict: 'accept', user, key }
      : { verdict: 'reject', reason: 'signature does not verify', user, key };
  }

  private async isRegistered(uid: number, fingerprint: string, blob: Buffer): Promise<boolean> {
    const candidates = await this.store.findKeysByFingerprint(fingerprint);
    return candidates.some((record) => {
      if (record.uid !== uid) return false;
      try {
        return parsePublicKey(record.publicKey).blob.equals(blob);
      } catch {
        return false;
      }
    });
  }
}

function verifies(
  publicBlob: Buffer,
  signedData: Buffer,
  signature: Buffer,
  hashAlgo: string | undefined,
): boolean {
  const parsed = ssh2.utils.parseKey(publicBlob);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) return false;
  // verify() returns true, false or an Error; only a literal true is a valid signature. ssh2's
  // typings omit the hash-algorithm parameter it takes (and needs for rsa-sha2-256/512).
  const verify = key.verify as (data: Buffer, signature: Buffer, hashAlgo?: string) => boolean | Error;
  return verify.call(key, signedData, signature, hashAlgo) === true;
}

/** The key type recorded in an SSH public key blob (its first length-prefixed string). */
function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}
