import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** A file of `size` random bytes, written a MiB at a time. */
export async function randomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let offset = 0; offset < size; offset += 1024 * 1024)
      await file.write(randomBytes(Math.min(1024 * 1024, size - offset)));
  } finally {
    await file.close();
  }
}
