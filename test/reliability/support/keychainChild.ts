/*
 * One call that needs the OS keychain, in a process of its own (libsecret keeps its D-Bus connection
 * for the life of a process), printing the outcome as one JSON line. The test runs it on a session
 * bus where no Secret Service exists.
 * Usage: node --import tsx keychainChild.ts DATA_DIR SERVICE generate | import KEY_FILE | signin API_URL | db
 */
import { readFile } from 'node:fs/promises';
import { DatabaseService } from '../../../electron/core/databases/DatabaseService.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { osSecretStore } from '../../../electron/core/keys/secretStore.ts';
import { PlatformService } from '../../../electron/core/platform/PlatformService.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { AppError } from '../../../shared/src/errors.ts';

const [dataDir, service, action, argument] = process.argv.slice(2);
if (!dataDir || !service || !action) {
  console.error('usage: keychainChild.ts DATA_DIR SERVICE generate | import KEY_FILE | signin API_URL | db');
  process.exit(2);
}
const secrets = osSecretStore({ enforceWindowsCap: true });

async function run(folder: string, keychainService: string): Promise<unknown> {
  switch (action) {
    case 'generate': {
      const vault = new KeyVault({ dataDir: folder, secrets, service: keychainService });
      return (await vault.generate({ name: 'k', bits: 2048 })).id;
    }
    case 'import': {
      const vault = new KeyVault({ dataDir: folder, secrets, service: keychainService });
      return (await vault.importKey({ text: await readFile(argument ?? '', 'utf8'), name: 'k' })).id;
    }
    case 'signin': {
      const platform = new PlatformService({
        dataDir: folder,
        secrets,
        keychainService,
        keys: { list: async () => [], exportPublic: async () => '' },
      });
      await platform.useProfile({
        kind: 'custom',
        label: 'Sandbox',
        apiUrl: argument ?? '',
        gateway: { host: '127.0.0.1', port: 3022 },
      });
      return (await platform.signIn('demo@sandbox.local', 'demo')).uid;
    }
    case 'db': {
      // Remembering credentials uses only the keychain; no connection is ever made here.
      const databases = new DatabaseService({
        connections: undefined as unknown as GatewayConnections,
        secrets,
        keychainService,
      });
      await databases.saveCredentials('sandbox:518840', {
        database: 'shop',
        user: 'shop',
        password: 'db-secret-1234',
      });
      return null;
    }
    default:
      throw new Error(`unknown action ${action}`);
  }
}

try {
  console.log(JSON.stringify({ ok: true, value: await run(dataDir, service) }));
} catch (error) {
  const code = error instanceof AppError ? error.code : 'unexpected';
  console.log(JSON.stringify({ ok: false, code, message: (error as Error).message }));
}
