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
}

export type RsaBits = 2048 | 3072 | 4096;

/**
 * The key vault as the UI and the CLI reach it. Private keys only ever go to files the user chose
 * (`exportPrivateToFile`); no method returns one.
 */
export interface KeysService {
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

export const KEYS_METHODS = [
  'list',
  'generate',
  'importFile',
  'exportPublic',
  'exportPrivateToFile',
  'delete',
] as const satisfies readonly (keyof KeysService)[];
