import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/Store.ts';
import { JsonLinesAuditLog } from './AuditLog.ts';
import { resolveGatewayOptions, type GatewayOptions } from './GatewayOptions.ts';
import { GatewayServer } from './GatewayServer.ts';
import type { HostKeyFingerprints } from './hostKeys.ts';
import { gatewayHostKeyFingerprints, loadOrCreateHostKeys } from './hostKeys.ts';
import { openSshKeyTypes } from './KeyPolicy.ts';

/** The gateway's entry in the sandbox's ready line. */
export interface SandboxGateway {
  host: string;
  port: number;
  /** The RSA key's fingerprints: the key the real service shows and users pin. */
  hostKey: HostKeyFingerprints;
  /** The Ed25519 key also offered, for clients that prefer it. */
  hostKeyEd25519: HostKeyFingerprints;
  /** User key types the gateway accepts, as OpenSSH names them (`ssh-rsa` by default). */
  keyTypes: string[];
}

export interface SandboxGatewaySettings {
  dataDir: string;
  host: string;
  port: number;
  /** Path of the private key every node's sshd accepts. */
  nodeAccessKeyPath: string;
  options?: Partial<GatewayOptions>;
}

/** A started sandbox gateway: what the ready line shows, and how to stop it. */
export interface RunningSandboxGateway {
  info: SandboxGateway;
  /** Closes the gateway (clients get a clean disconnect) and its audit log. */
  close(): Promise<void>;
}

/**
 * Starts the gateway for a sandbox: host keys under `<data>/gateway/hostkeys` (made once, kept),
 * the audit log at `<data>/gateway/audit.log`.
 */
export async function startSandboxGateway(
  store: Store,
  settings: SandboxGatewaySettings,
): Promise<RunningSandboxGateway> {
  // Resolved here too (the server does the same) so a bad option fails before any file is made.
  const { keyTypes } = resolveGatewayOptions(settings.options);
  const hostKeys = loadOrCreateHostKeys(join(settings.dataDir, 'gateway', 'hostkeys'));
  const audit = new JsonLinesAuditLog(join(settings.dataDir, 'gateway', 'audit.log'));
  const server = new GatewayServer({
    store,
    hostKeys,
    nodeAccessKey: await readFile(settings.nodeAccessKeyPath),
    audit,
    ...(settings.options ? { options: settings.options } : {}),
  });
  try {
    const address = await server.listen(settings.port, settings.host);
    return {
      info: {
        ...address,
        hostKey: gatewayHostKeyFingerprints(hostKeys),
        hostKeyEd25519: hostKeys.ed25519.fingerprints,
        keyTypes: openSshKeyTypes(keyTypes),
      },
      async close() {
        await server.close();
        audit.close();
      },
    };
  } catch (error) {
    audit.close();
    throw error;
  }
}
