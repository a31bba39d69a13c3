import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DatabaseCredentials {
  database: string;
  user: string;
  password: string;
}

/**
 * A database node's credentials, generated once per data folder (DIR/credentials.json, mode 600),
 * like the mail the platform sends for a new database node, so a kept folder keeps them.
 */
export async function loadCredentials(
  dir: string,
  database: string,
  user: string,
): Promise<DatabaseCredentials> {
  const file = join(dir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DatabaseCredentials;
  const credentials: DatabaseCredentials = { database, user, password: randomPassword() };
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

/** 20 letters and digits: needs no quoting in SQL, option files or shells. */
function randomPassword(): string {
  return randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 20);
}
