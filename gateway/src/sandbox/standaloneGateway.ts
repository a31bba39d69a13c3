import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GatewayOptions } from '../ssh/GatewayOptions.ts';
import { startSandboxGateway } from '../ssh/sandboxGateway.ts';
import { SqliteStore } from '../store/SqliteStore.ts';
import { checkSandboxHost } from './network.ts';
import type { SandboxGatewayInfo } from './Sandbox.ts';

export interface StandaloneGatewayOptions {
  /** The data folder of a sandbox that has run (its store, node-access key, host keys, audit log). */
  dataDir: string;
  /** Loopback unless `exposeOnNetwork` is also set (the sandbox's demo keys and accounts). */
  host?: string;
  exposeOnNetwork?: boolean;
  /** 0 picks a free port. */
  port: number;
  gatewayOptions?: Partial<GatewayOptions>;
}

/** The `gateway --json` ready line. */
export interface StandaloneGatewayReady {
  event: 'ready';
  gateway: SandboxGatewayInfo;
  data: string;
}

/**
 * The gateway of an existing sandbox data folder, in a process of its own: it can be killed and
 * started again (same port, same host keys, same audit log) while the nodes and the API run on, as
 * when the real service's gateway restarts. The store is SQLite in WAL mode, so the sandbox process
 * and this one share it.
 */
export async function startStandaloneGateway(
  options: StandaloneGatewayOptions,
): Promise<{ ready: StandaloneGatewayReady; stop(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  checkSandboxHost(host, options.exposeOnNetwork);
  const dataDir = resolve(options.dataDir);
  const storeFile = join(dataDir, 'platform.db');
  const nodeAccessKeyPath = join(dataDir, 'gateway', 'node_access_ed25519');
  // Opening a missing store would create an empty one: a gateway with no users, which helps nobody.
  if (!existsSync(storeFile) || !existsSync(nodeAccessKeyPath)) {
    throw new Error(`${dataDir} is not a sandbox data folder (start one with: sandbox --data ${dataDir}).`);
  }
  const store = new SqliteStore(storeFile);
  try {
    const gateway = await startSandboxGateway(store, {
      dataDir,
      host,
      port: options.port,
      nodeAccessKeyPath,
      ...(options.gatewayOptions ? { options: options.gatewayOptions } : {}),
    });
    return {
      ready: { event: 'ready', gateway: gateway.info, data: dataDir },
      async stop() {
        await gateway.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
