import type ssh2 from 'ssh2';

/**
 * The signature algorithms ssh2 may negotiate for a host key of each type. An RSA key is one key
 * type (`ssh-rsa` in known_hosts and in the key blob) with three algorithms, strongest first.
 */
const ALGORITHMS_OF_KEY_TYPE: Record<string, ssh2.ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** ssh2's own preference among key types (its default order), which the list keeps. */
const PREFERENCE = Object.keys(ALGORITHMS_OF_KEY_TYPE);

/**
 * What to ask a server for when known_hosts already holds keys of `keyTypes` for it: those types
 * only, as OpenSSH ≥ 8.5 does, so a server that still has its known key negotiates that one rather
 * than a new key ssh2 happens to prefer. Undefined when no known type is one ssh2 can negotiate
 * (certificates, DSA): the check of the offered key then stands alone.
 */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): ssh2.ServerHostKeyAlgorithm[] | undefined {
  const algorithms = PREFERENCE.filter((type) => keyTypes.includes(type)).flatMap(
    (type) => ALGORITHMS_OF_KEY_TYPE[type] ?? [],
  );
  return algorithms.length > 0 ? algorithms : undefined;
}

/** ssh2's words when the server holds none of the host key algorithms asked for. */
export const isNoMatchingHostKey = (error: unknown): boolean =>
  /no matching host key/i.test(error instanceof Error ? error.message : String(error));
