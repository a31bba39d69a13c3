import { createHash } from 'node:crypto';
import type ssh2 from 'ssh2';
import { ssh2 as loadSsh2 } from './ssh2Module.ts';
import { AuthenticationFailed } from '../../../shared/src/errors.ts';

/** A private key to offer the gateway, with the name the refusal message calls it by. */
export interface GatewayIdentity {
  name: string;
  privateKey: string | Buffer;
  passphrase?: string;
}

/**
 * The keys a connection offers, best first; asked for on every (re)connect, so a key added or synced
 * meanwhile counts. It throws (an AppError, passed on as it is) when it has no key to offer.
 */
export type IdentityProvider = () => Promise<readonly GatewayIdentity[]>;

/** One key as offered: its name and `SHA256:…` fingerprint, for the message when all are refused. */
export interface OfferedKey {
  name: string;
  sha256: string;
}

/** Every offered key was refused (or the gateway hung up during sign-in): the keys it saw. */
export class KeysRefused extends Error {
  constructor(readonly offered: readonly OfferedKey[]) {
    super('All configured authentication methods failed');
  }
}

/** An identity parsed once per connect, with the fingerprint the refusal message shows. */
export interface ReadyIdentity {
  name: string;
  key: ssh2.ParsedKey;
  sha256: string;
}

/** Parses each key up front: one that cannot be read is a mistake to report, not a key to skip. */
export function readIdentities(identities: readonly GatewayIdentity[]): ReadyIdentity[] {
  if (identities.length === 0)
    throw new AuthenticationFailed('No key to offer the SSH gateway: generate or import one (Keys).', {
      offered: [],
    });
  return identities.map((identity) => {
    const parsed = loadSsh2().utils.parseKey(identity.privateKey, identity.passphrase);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error || !key.isPrivateKey())
      throw new AuthenticationFailed(
        `The key “${identity.name}” cannot be read as a private key${key instanceof Error ? ` (${key.message})` : ''}.`,
      );
    const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '');
    return { name: identity.name, key, sha256: `SHA256:${digest}` };
  });
}

/** What one sign-in offered, and why it could not offer anything (the provider's error). */
export interface OfferLog {
  offered: OfferedKey[];
  error?: unknown;
}

/**
 * ssh2's `authHandler` offering the keys one after another as publickey attempts, as OpenSSH offers
 * its identities, noting each in `log`. The keys are awaited only here, once the gateway's host key
 * has been verified, so a host-key problem is reported first and the keys' lookup overlaps the
 * handshake. It stops when the keys run out, the server no longer lists publickey, or there were
 * no keys (`log.error`); ssh2 then fails with "All configured authentication methods failed".
 */
export function offerInTurn(
  username: string,
  identities: Promise<readonly ReadyIdentity[]>,
  log: OfferLog,
): ssh2.AuthHandlerMiddleware {
  let next = 0;
  return (methodsLeft, _partialSuccess, callback) => {
    // ssh2 takes `false` for "nothing left to try"; its typings do not list it.
    const stop = () => (callback as unknown as (next: false) => void)(false);
    identities.then(
      (list) => {
        const identity = list[next];
        // methodsLeft is null before the first attempt (ssh2's typings omit that).
        const stillOffered = !methodsLeft || methodsLeft.includes('publickey');
        if (!identity || !stillOffered) return stop();
        next++;
        log.offered.push({ name: identity.name, sha256: identity.sha256 });
        callback({ type: 'publickey', username, key: identity.key });
      },
      (error: unknown) => {
        log.error = error;
        stop();
      },
    );
  };
}

/** The refusal in words a person can act on: which keys the gateway was offered, and what to do. */
export function keysRefusedError(error: KeysRefused, where: string, username: string, target: string) {
  const names = error.offered.map((key) => `“${key.name}” (${key.sha256})`).join(', ');
  const which = error.offered.length === 1 ? 'your key' : `all ${error.offered.length} keys offered`;
  return new AuthenticationFailed(
    `The gateway ${where} refused ${which} for ${username}: ${names}. ` +
      'Sync the key to the dashboard (Keys → Sync) and try again.',
    { target, offered: error.offered.map((key) => ({ ...key })) },
  );
}
