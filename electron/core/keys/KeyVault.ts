import { createPrivateKey, generateKeyPair, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { gatewayKeyWarning, type GatewayKeyPolicy, type KeysApi } from '../../../shared/src/keys.ts';
import { writeFileAtomic } from '../storage/atomicFile.ts';
import {
  KeyAlreadyInVault,
  keychainUnavailable,
  KeyNotFound,
  UnsupportedKey,
  VaultDataLost,
} from './errors.ts';
import { KeyIndex, type KeyInfo } from './keyIndex.ts';
import { readKeyFile } from './keyImport.ts';
import { writeOpenSshPrivateKey } from './opensshFormat.ts';
import { writePpk } from './ppk.ts';
import type { SecretStore } from './secretStore.ts';
import {
  fingerprints,
  keyBits,
  keyPairFromPrivate,
  publicBlob,
  publicLine,
  type Fingerprints,
} from './sshKey.ts';
import type { SshKeyPair } from './sshKey.ts';
import { newDataKey, open, seal } from './vaultCrypto.ts';

export type { KeyInfo } from './keyIndex.ts';

export const RSA_SIZES = [2048, 3072, 4096] as const;
export type RsaBits = (typeof RSA_SIZES)[number];

export interface KeyVaultOptions {
  /** The app's data folder; keys live in its `keys/` folder. */
  readonly dataDir: string;
  readonly secrets: SecretStore;
  /** The keychain service name the secrets are filed under. */
  readonly service?: string;
  /**
   * The key types the current platform's gateway accepts, asked for on each answer so a change of
   * platform shows at once. RSA only when not given (the real service's policy).
   */
  readonly gatewayPolicy?: () => Promise<GatewayKeyPolicy>;
}

export interface GenerateRequest {
  readonly name: string;
  readonly bits?: RsaBits;
}

/** A key file's content, as text or raw bytes (e.g. DER), with the passphrase it is protected by, if any. */
export interface ImportRequest {
  readonly text?: string;
  readonly bytes?: Uint8Array;
  /** Defaults to the comment stored in the file. */
  readonly name?: string;
  readonly passphrase?: string;
}

export interface ExportRequest {
  readonly format: 'openssh' | 'ppk';
  /** Without one the exported file is unencrypted. */
  readonly passphrase?: string;
}

const generateRsa = promisify(generateKeyPair);
const MAX_NAME_LENGTH = 100;
/** OpenSSH (RequiredRSASize, since 9.1) refuses smaller RSA keys, so the gateway would too. */
const MIN_IMPORTED_RSA_BITS = 1024;

/**
 * The user's SSH keys. Each private key is a file under `dataDir/keys/`, encrypted with AES-256-GCM under
 * its own random 256-bit key, and that key lives only in the OS keychain: a 4096-bit private key itself
 * would not fit the 2560 bytes Windows' Credential Manager allows a secret. Deleting a key deletes its keychain secret, so any copy of the
 * file left in a backup can no longer be opened. Metadata sits in `keys/index.json`.
 */
export class KeyVault implements KeysApi {
  static readonly DEFAULT_SERVICE = 'Enscale SSH';

  readonly #folder: string;
  readonly #index: KeyIndex;
  readonly #secrets: SecretStore;
  readonly #service: string;
  readonly #gatewayPolicy: () => Promise<GatewayKeyPolicy>;
  /** Changes to the index run one at a time, so concurrent calls cannot lose each other's keys. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor({
    dataDir,
    secrets,
    service = KeyVault.DEFAULT_SERVICE,
    gatewayPolicy = async () => ({ keyTypes: ['ssh-rsa'] }),
  }: KeyVaultOptions) {
    this.#folder = join(dataDir, 'keys');
    this.#index = new KeyIndex(join(this.#folder, 'index.json'));
    this.#secrets = secrets;
    this.#service = service;
    this.#gatewayPolicy = gatewayPolicy;
  }

  /** Every key, each saying whether the current platform's gateway accepts it (and why not). */
  async list(): Promise<KeyInfo[]> {
    const keys = await this.#index.read();
    const policy = await this.#policy();
    return keys.map((key) => withGatewayVerdict(key, policy));
  }

  /** The verdicts are advice: an unreadable platform setting must not hide the keys themselves. */
  #policy(): Promise<GatewayKeyPolicy> {
    return this.#gatewayPolicy().catch(() => ({ keyTypes: ['ssh-rsa'] }));
  }

  async get(id: string): Promise<KeyInfo> {
    const info = (await this.#index.read()).find((key) => key.id === id);
    if (!info) throw new KeyNotFound(id);
    return info;
  }

  /** A new RSA key. The primes are found on libuv's thread pool, so the event loop keeps running. */
  async generate({ name, bits = 4096 }: GenerateRequest): Promise<KeyInfo> {
    const cleanName = checkName(name);
    if (!RSA_SIZES.includes(bits)) {
      throw new InvalidInput(`RSA keys can be ${RSA_SIZES.join(', ')} bits long, not ${String(bits)}.`);
    }
    const { privateKey } = await generateRsa('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    const info = await this.#add(keyPairFromPrivate(privateKey), cleanName, 'generated');
    return withGatewayVerdict(info, await this.#policy());
  }

  /**
   * Adds a key from a file's content. A type the platform's gateway refuses is still imported (it may
   * serve other servers), and the answer's `warning` says it cannot sign in to the gateway.
   */
  async importKey(request: ImportRequest): Promise<KeyInfo> {
    if (request.text === undefined && request.bytes === undefined) {
      throw new InvalidInput('Nothing to import: give the key file as text or bytes.');
    }
    const { pair, comment } = await readKeyFile(request);
    if (pair.type === 'ssh-rsa' && keyBits(pair) < MIN_IMPORTED_RSA_BITS) {
      throw new UnsupportedKey(
        `This RSA key has ${keyBits(pair)} bits; SSH servers refuse keys under ${MIN_IMPORTED_RSA_BITS}. Generate a new key.`,
      );
    }
    const fromFile = oneLine(comment).slice(0, MAX_NAME_LENGTH).trim();
    const name = request.name ?? (fromFile || `Imported ${pair.type === 'ssh-rsa' ? 'RSA' : 'Ed25519'} key`);
    const info = await this.#add(pair, checkName(name), 'imported');
    return withGatewayVerdict(info, await this.#policy());
  }

  async exportPublic(id: string): Promise<string> {
    return (await this.get(id)).publicKey;
  }

  async exportPrivate(id: string, { format, passphrase }: ExportRequest): Promise<string> {
    if (format !== 'openssh' && format !== 'ppk') {
      throw new InvalidInput(`Keys can be exported as 'openssh' or 'ppk', not '${String(format)}'.`);
    }
    const { info, pair } = await this.#load(id);
    if (format === 'openssh') return writeOpenSshPrivateKey(pair, info.name, passphrase);
    return writePpk(pair, info.name, passphrase ? { passphrase } : {});
  }

  /**
   * The private key for the SSH layer, as unencrypted OpenSSH text (ssh2's `privateKey` accepts it). It
   * stays in the core process: nothing that reaches a renderer should call this.
   */
  async privateKeyFor(id: string): Promise<Buffer> {
    const { info, pair } = await this.#load(id);
    return Buffer.from(writeOpenSshPrivateKey(pair, info.name), 'utf8');
  }

  /** Imports a key file read here, in the core: the renderer hands over only the path. */
  async importFile({
    path,
    name,
    passphrase,
  }: {
    path: string;
    name?: string;
    passphrase?: string;
  }): Promise<KeyInfo> {
    const bytes = await readFile(path).catch(() => {
      throw new InvalidInput(`Cannot read the key file ${path}.`);
    });
    if (bytes.length > 64 * 1024) throw new InvalidInput(`${path} is too large to be a key file.`);
    return this.importKey({ bytes, ...(name ? { name } : {}), ...(passphrase ? { passphrase } : {}) });
  }

  /** Writes the private key to a file the user chose (mode 600, atomically); it is never returned. */
  async exportPrivateToFile(
    id: string,
    { format, path, passphrase }: { format: 'openssh' | 'ppk'; path: string; passphrase?: string },
  ): Promise<void> {
    const text = await this.exportPrivate(id, { format, ...(passphrase ? { passphrase } : {}) });
    await writeFileAtomic(path, text, 0o600);
  }

  async fingerprints(id: string): Promise<Fingerprints> {
    return (await this.get(id)).fingerprints;
  }

  /** Removes the keychain secret first: if the keychain cannot be reached, nothing is deleted. */
  delete(id: string): Promise<void> {
    return this.#exclusive(async () => {
      const keys = await this.#index.read();
      if (!keys.some((key) => key.id === id)) throw new KeyNotFound(id);
      await this.#secrets.delete(this.#service, account(id));
      await this.#index.write(keys.filter((key) => key.id !== id));
      await rm(this.#keyPath(id), { force: true });
    });
  }

  /**
   * Stores a key: keychain secret first, then the encrypted file, then the index. A keychain failure
   * leaves nothing on disk; a disk failure takes the keychain secret back out.
   */
  #add(pair: SshKeyPair, name: string, origin: KeyInfo['origin']): Promise<KeyInfo> {
    return this.#exclusive(async () => {
      const keys = await this.#index.read();
      const blob = publicBlob(pair);
      const prints = fingerprints(blob);
      const existing = keys.find((key) => key.fingerprints.sha256 === prints.sha256);
      if (existing) throw new KeyAlreadyInVault(existing.id, existing.name);

      const id = randomUUID();
      const dataKey = newDataKey();
      const secret = dataKey.toString('base64');
      await this.#secrets.set(this.#service, account(id), secret);
      try {
        if ((await this.#secrets.get(this.#service, account(id))) !== secret) {
          throw keychainUnavailable('it accepted a secret but did not keep it');
        }
        await mkdir(this.#folder, { recursive: true, mode: 0o700 });
        const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
        await writeFileAtomic(this.#keyPath(id), seal(dataKey, id, der));
        const info: KeyInfo = {
          id,
          name,
          type: pair.type,
          bits: keyBits(pair),
          fingerprints: prints,
          publicKey: publicLine(pair, name),
          createdAt: new Date().toISOString(),
          origin,
        };
        await this.#index.write([...keys, info]);
        return info;
      } catch (error) {
        await rm(this.#keyPath(id), { force: true });
        await this.#secrets.delete(this.#service, account(id)).catch(() => false);
        throw error;
      }
    });
  }

  async #load(id: string): Promise<{ info: KeyInfo; pair: SshKeyPair }> {
    const info = await this.get(id);
    const secret = await this.#secrets.get(this.#service, account(id));
    if (secret === null) {
      // A locked Secret Service answers "no such secret" rather than an error, so both causes are named.
      throw new VaultDataLost(
        info.name,
        'the keychain returned no secret for it',
        'If your keychain is locked, unlock it and try again; if it was reset, delete this key and import it again from a backup.',
      );
    }
    let sealed: Buffer;
    try {
      sealed = await readFile(this.#keyPath(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new VaultDataLost(info.name, 'its encrypted file is missing');
      }
      throw error;
    }
    const der = open(Buffer.from(secret, 'base64'), id, sealed);
    if (!der) throw new VaultDataLost(info.name, 'its encrypted file does not match its keychain secret');
    return { info, pair: keyPairFromPrivate(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) };
  }

  #keyPath(id: string): string {
    return join(this.#folder, `${id}.key`);
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** A key as the keys service answers it: with the gateway's verdict on its type, never stored. */
function withGatewayVerdict(key: KeyInfo, policy: GatewayKeyPolicy): KeyInfo {
  const { gatewayAccepts: _accepts, warning: _warning, ...stored } = key;
  const warning = gatewayKeyWarning(key.type, policy);
  return { ...stored, gatewayAccepts: warning === undefined, ...(warning ? { warning } : {}) };
}

/** The keychain account of one key's secret. Ids are UUIDs, so profiles sharing a service never collide. */
function account(id: string): string {
  return `key:${id}`;
}

const isControl = (char: string): boolean => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;

/** A key file's comment made fit for a name: control characters (line breaks too) become spaces. */
function oneLine(text: string): string {
  return [...text].map((char) => (isControl(char) ? ' ' : char)).join('');
}

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed) throw new InvalidInput('Give the key a name.');
  // The name becomes the comment in exported files, where PuTTY allows no line breaks.
  if ([...trimmed].some(isControl)) {
    throw new InvalidInput('A key name cannot hold control characters.');
  }
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new InvalidInput(`A key name can be at most ${MAX_NAME_LENGTH} characters long.`);
  }
  return trimmed;
}
