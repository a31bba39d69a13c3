/*
 * Runs one KeyVault call in its own process and prints the outcome as one JSON line. libsecret keeps its
 * D-Bus connection for the life of a process, so only a fresh process can meet a session bus that leads
 * nowhere, or a keyring of its own that it locks first (ENSCALE_TEST_LOCK_KEYRING=1).
 * Usage: node --import tsx vaultChild.ts DATA_DIR SERVICE generate|import [KEY_FILE]
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/src/errors.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { osSecretStore } from '../../../electron/core/keys/secretStore.ts';

const [dataDir, service, action, keyFile] = process.argv.slice(2);
if (!dataDir || !service || (action !== 'generate' && action !== 'import')) {
  console.error('usage: vaultChild.ts DATA_DIR SERVICE generate|import [KEY_FILE]');
  process.exit(2);
}

if (process.env.ENSCALE_TEST_LOCK_KEYRING === '1') lockDefaultCollection();

/** Locks the Secret Service's default collection, as a screen lock or `secret-tool lock` would. */
function lockDefaultCollection(): void {
  const call = (method: string, ...args: string[]): string =>
    execFileSync(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.secrets',
        '/org/freedesktop/secrets',
        method,
        ...args,
      ],
      { encoding: 'utf8' },
    );
  const path = /object path "([^"]+)"/.exec(
    call('org.freedesktop.Secret.Service.ReadAlias', 'string:default'),
  )?.[1];
  if (!path || path === '/') throw new Error('the keyring has no default collection to lock');
  call('org.freedesktop.Secret.Service.Lock', `array:objpath:${path}`);
}

const vault = new KeyVault({ dataDir, secrets: osSecretStore({ enforceWindowsCap: true }), service });
try {
  const info =
    action === 'generate'
      ? await vault.generate({ name: 'no keychain', bits: 2048 })
      : await vault.importKey({ text: await readFile(keyFile ?? '', 'utf8'), name: 'no keychain' });
  console.log(JSON.stringify({ ok: true, id: info.id }));
} catch (error) {
  const code = error instanceof AppError ? error.code : 'unexpected';
  console.log(JSON.stringify({ ok: false, code, message: (error as Error).message }));
}
