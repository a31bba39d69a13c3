import type ssh2 from 'ssh2';
import { AuthenticationFailed, HostKeyUnknown } from '../../../shared/src/errors.ts';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { IdentityProvider, KeysRefused, OfferLog } from './keyOffer.ts';

/**
 * How one saved plain host is reached (hosts/hostRoutes.ts builds it from what is saved): its own
 * address and user, its own keys or the user's agent, and the host it is reached through.
 */
export interface PlainHostRoute {
  name: string;
  host: string;
  port: number;
  username: string;
  auth: { identities: IdentityProvider } | { agent: string };
  /** The jump host's connection (`ssh -J`): this host's TCP stream is a channel of that one. */
  via?: ConnectionTarget;
}

export type PlainHostRoutes = (hostId: string) => Promise<PlainHostRoute>;

/** Where a connection goes, resolved: the gateway (from the target) or a saved plain host. */
export interface ConnectionRoute {
  host: string;
  port: number;
  username: string;
  /** Set for a saved plain host: errors speak of the host by name, not of the gateway. */
  plain?: { name: string };
  auth: { identities: IdentityProvider } | { agent: string };
  via?: ConnectionTarget;
}

/**
 * ssh2's `authHandler` for the user's own agent: one `agent` attempt, in which ssh2 offers each of
 * the agent's keys in turn (as OpenSSH does with `SSH_AUTH_SOCK`).
 */
export function offerAgent(username: string, agent: string, log: OfferLog): ssh2.AuthHandlerMiddleware {
  let tried = false;
  return (methodsLeft, _partialSuccess, callback) => {
    const stillOffered = !methodsLeft || methodsLeft.includes('publickey');
    if (tried || !stillOffered) return (callback as unknown as (next: false) => void)(false);
    tried = true;
    log.offered.push({ name: 'the keys of your SSH agent', sha256: agent });
    callback({ type: 'agent', username, agent });
  };
}

/** A plain host's unknown key where nobody can be asked (the CLI): how to trust it first. */
export function plainHostKeyUnknown(error: HostKeyUnknown, route: ConnectionRoute): HostKeyUnknown {
  const sha256 = typeof error.details['sha256'] === 'string' ? error.details['sha256'] : 'unknown';
  return new HostKeyUnknown(
    `The host key of “${route.plain?.name ?? route.host}” (${route.host}:${route.port}) is not known yet: ${sha256}. ` +
      'Open the host once in the app and trust its key after comparing it with the server’s own ' +
      '(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server).',
    error.details,
  );
}

/** A plain host's refusal in words a person can act on (the gateway's own is `keysRefusedError`). */
export function plainHostRefused(
  error: KeysRefused,
  route: ConnectionRoute,
  key: string,
): AuthenticationFailed {
  const where = `${route.plain?.name ?? route.host} (${route.username}@${route.host}:${route.port})`;
  const offered = error.offered.map((k) =>
    k.sha256.startsWith('SHA256:') ? `“${k.name}” (${k.sha256})` : k.name,
  );
  return new AuthenticationFailed(
    `The host ${where} refused ${offered.join(', ') || 'every key offered'}. ` +
      'Add the public key to ~/.ssh/authorized_keys on the host, or choose another key for it (Hosts → Edit).',
    { target: key, offered: error.offered.map((k) => ({ ...k })) },
  );
}
