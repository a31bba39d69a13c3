import { methodList } from './rpc/methods.ts';

/** Key types the vault holds. */
export type SshKeyType = 'ssh-rsa' | 'ssh-ed25519';

export interface KeyFingerprints {
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  sha256: string;
  /** `aa:bb:…` as the dashboard shows it. */
  md5: string;
}

/** What anyone may know about a vault key — the renderer sees exactly this, never the private half. */
export interface KeyInfo {
  readonly id: string;
  readonly name: string;
  readonly type: SshKeyType;
  readonly bits: number;
  readonly fingerprints: KeyFingerprints;
  /** The OpenSSH one-liner, with the key's name as its comment. */
  readonly publicKey: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly origin: 'generated' | 'imported';
  /**
   * Whether the current platform's SSH gateway accepts this key's type (`gatewayKeyTypes()` of its
   * profile; RSA only for Enscale and by default). Worked out for each answer of the keys service,
   * never stored, so it follows a change of platform; absent only in the vault's own index file.
   */
  readonly gatewayAccepts?: boolean;
  /** Why this key cannot sign in to the gateway, in words to show next to it; absent when it can. */
  readonly warning?: string;
}

export type RsaBits = 2048 | 3072 | 4096;

/** The user-key types a platform's gateway accepts, and the platform's name for messages. */
export interface GatewayKeyPolicy {
  /** The platform's label (`Enscale`, `Sandbox`, …); absent before one is chosen. */
  readonly platform?: string;
  /** OpenSSH key type names, e.g. `['ssh-rsa']`. */
  readonly keyTypes: readonly string[];
}

/** A key type as people name it: `ssh-ed25519` → `Ed25519`. */
export function keyTypeWord(type: string): string {
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-ed25519') return 'Ed25519';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

/** The accepted types in words, without repeats: `RSA`, `RSA and Ed25519` (or `… or …`). */
export function acceptedKeyTypesInWords(keyTypes: readonly string[], joiner: 'and' | 'or' = 'and'): string {
  const words = [...new Set(keyTypes.map(keyTypeWord))];
  if (words.length <= 1) return words[0] ?? 'no';
  return `${words.slice(0, -1).join(', ')} ${joiner} ${words.at(-1)}`;
}

/**
 * What to tell someone about a key of this type on this platform: nothing when its gateway takes
 * it, otherwise that the key is kept (it may serve other servers) but cannot sign in to the gateway.
 */
export function gatewayKeyWarning(type: string, policy: GatewayKeyPolicy): string | undefined {
  if (policy.keyTypes.includes(type)) return undefined;
  const gateway = policy.platform ? `The SSH gateway of ${policy.platform}` : 'The SSH gateway';
  const instead = policy.keyTypes.includes('ssh-rsa')
    ? 'generate an RSA key (Keys → Generate) and sync it'
    : `use an ${acceptedKeyTypesInWords(policy.keyTypes, 'or')} key`;
  return (
    `${gateway} accepts ${acceptedKeyTypesInWords(policy.keyTypes)} keys only, so this ` +
    `${keyTypeWord(type)} key cannot sign in to it. It stays on this device for other servers; ` +
    `for the gateway, ${instead}.`
  );
}

/**
 * The key vault as the UI and the CLI reach it. Private keys only ever go to files the user chose
 * (`exportPrivateToFile`); no method returns one.
 */
export interface KeysApi {
  list(): Promise<KeyInfo[]>;
  generate(request: { name: string; bits?: RsaBits }): Promise<KeyInfo>;
  /** Reads a key file (OpenSSH, PEM, `.ppk`) in the core; the renderer passes only its path. */
  importFile(request: { path: string; name?: string; passphrase?: string }): Promise<KeyInfo>;
  exportPublic(id: string): Promise<string>;
  exportPrivateToFile(
    id: string,
    request: { format: 'openssh' | 'ppk'; path: string; passphrase?: string },
  ): Promise<void>;
  delete(id: string): Promise<void>;
}

export const KEYS_METHODS = methodList<KeysApi>()([
  'list',
  'generate',
  'importFile',
  'exportPublic',
  'exportPrivateToFile',
  'delete',
]);
