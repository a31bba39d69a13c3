import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { HostKeys } from '../../../electron/core/ssh/HostKeys.ts';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';

/**
 * A sandbox with its gateway, and the demo user with a fresh RSA key on the dashboard (added through
 * the API, as the app does) — everything a core test needs to reach nodes through the gateway.
 */
export interface SandboxAccount {
  sandbox: Sandbox;
  dir: string;
  privateKey: string;
  /** A known_hosts that already trusts the gateway (pinned by the fingerprint the sandbox printed). */
  hostKeys: HostKeys;
  target(username: string): ConnectionTarget;
  /** Gateway connections signing in with the account's key, no one to ask about host keys. */
  connections(): GatewayConnections;
  stop(): Promise<void>;
}

export async function startSandboxAccount(): Promise<SandboxAccount> {
  const dir = mkdtempSync(join(tmpdir(), 'core-account-'));
  const sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  const keyPath = join(dir, 'id_rsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', keyPath]);
  const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
  const { session } = await platform.signIn('demo@sandbox.local', 'demo');
  await platform.addKey(session, 'core tests', readFileSync(`${keyPath}.pub`, 'utf8'));
  const gateway = sandbox.ready.gateway!;
  const privateKey = readFileSync(keyPath, 'utf8');
  const hostKeys = new HostKeys(join(dir, 'known_hosts'));
  return {
    sandbox,
    dir,
    privateKey,
    hostKeys,
    connections: () =>
      new GatewayConnections({
        hostKeys,
        identity: async () => [{ name: 'core tests', privateKey }],
        interactive: false,
      }),
    target: (username) => ({
      gateway: { host: gateway.host, port: gateway.port },
      username,
      pinned: { keyType: 'ssh-rsa', sha256: gateway.hostKey.sha256 },
    }),
    async stop() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
