import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomicFile.ts';
import { KeyFileCorrupt } from './errors.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';

export type { KeyInfo };

interface IndexFile {
  readonly version: 1;
  readonly keys: KeyInfo[];
}

/** The vault's metadata file (`keys/index.json`): small, readable JSON, always replaced atomically. */
export class KeyIndex {
  constructor(private readonly path: string) {}

  async read(): Promise<KeyInfo[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KeyFileCorrupt(`the key list ${this.path} is not valid JSON`);
    }
    if (!isIndexFile(parsed)) throw new KeyFileCorrupt(`the key list ${this.path} has an unknown layout`);
    return parsed.keys;
  }

  async write(keys: readonly KeyInfo[]): Promise<void> {
    const file: IndexFile = { version: 1, keys: [...keys] };
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
  }
}

function isIndexFile(value: unknown): value is IndexFile {
  if (typeof value !== 'object' || value === null) return false;
  const { version, keys } = value as Partial<IndexFile>;
  return version === 1 && Array.isArray(keys) && keys.every(isKeyInfo);
}

function isKeyInfo(value: unknown): value is KeyInfo {
  if (typeof value !== 'object' || value === null) return false;
  const key = value as Partial<KeyInfo>;
  return (
    typeof key.id === 'string' &&
    typeof key.name === 'string' &&
    (key.type === 'ssh-rsa' || key.type === 'ssh-ed25519') &&
    typeof key.bits === 'number' &&
    typeof key.fingerprints?.sha256 === 'string' &&
    typeof key.fingerprints.md5 === 'string' &&
    typeof key.publicKey === 'string' &&
    typeof key.createdAt === 'string'
  );
}
