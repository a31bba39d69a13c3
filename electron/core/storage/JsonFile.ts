import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomicFile.ts';

/**
 * A small JSON document on disk (settings, caches), read whole and replaced atomically. A missing
 * or unreadable file yields the fallback: these files hold conveniences, never secrets.
 */
export class JsonFile<T> {
  constructor(
    private readonly path: string,
    private readonly fallback: T,
  ) {}

  async read(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch {
      return structuredClone(this.fallback);
    }
  }

  async write(value: T): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(value, null, 2) + '\n', 0o600);
  }

  async update(change: (value: T) => T): Promise<T> {
    const next = change(await this.read());
    await this.write(next);
    return next;
  }
}
