import type { SandboxReady } from '@enscale-ssh/gateway';
import type { PlatformProfile } from '../../../shared/src/platform.ts';

/** The platform profile of an embedded sandbox: its API, its gateway, the gateway's RSA key pinned. */
export function sandboxProfile(ready: SandboxReady): PlatformProfile {
  if (!ready.gateway) throw new Error('The sandbox started without its gateway.');
  return {
    kind: 'sandbox',
    label: 'Sandbox',
    apiUrl: ready.api,
    gateway: { host: ready.gateway.host, port: ready.gateway.port },
    gatewayKey: { keyType: 'ssh-rsa', sha256: ready.gateway.hostKey.sha256 },
    // What this sandbox's gateway was started to accept (`--key-types`), so the app warns as it should.
    keyTypes: ready.gateway.keyTypes,
    demoDatabases: ready.databases.map(({ node, name, user, password }) => ({
      nodeId: node,
      database: name,
      user,
      password,
    })),
  };
}
