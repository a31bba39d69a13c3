import { join } from 'node:path';
import type { EnvironmentLifecycle } from '../api/EnvironmentLifecycle.ts';
import type { Store } from '../store/Store.ts';
import type { ChildProcesses } from './ChildProcesses.ts';
import { DEMO_DATABASE, DEMO_NODES } from './demoData.ts';
import { MariaDbServer, type DatabaseCredentials } from './MariaDbServer.ts';
import { NodeServer } from './NodeServer.ts';
import type { SystemTools } from './systemTools.ts';

export interface SandboxNodesOptions {
  store: Store;
  dataDir: string;
  logsDir: string;
  /** The gateway's node-access public key. */
  authorizedKey: string;
  children: ChildProcesses;
  tools: SystemTools;
}

/**
 * The sandbox's answer to startenv / stopenv: an environment's nodes are real sshd processes
 * (and, for the database node, the private MariaDB server) that run exactly while it does.
 */
export class SandboxNodes implements EnvironmentLifecycle {
  private readonly servers = new Map<number, NodeServer>();
  /** Per-node file-size limits (the sandbox's full disk), kept across the node's restarts. */
  private readonly fileSizeLimits = new Map<number, number>();
  readonly database: MariaDbServer;
  private credentials: DatabaseCredentials | undefined;

  constructor(private readonly options: SandboxNodesOptions) {
    this.database = new MariaDbServer({
      dir: join(options.dataDir, 'mariadb'),
      database: DEMO_DATABASE.name,
      user: DEMO_DATABASE.user,
      logFile: join(options.logsDir, 'mariadb.log'),
      children: options.children,
      tools: options.tools,
    });
  }

  /** The database node's credentials, once its environment has run. */
  get databaseCredentials(): DatabaseCredentials | undefined {
    return this.credentials;
  }

  server(nodeId: number): NodeServer | undefined {
    return this.servers.get(nodeId);
  }

  async start(envName: string): Promise<void> {
    const nodes = await this.options.store.listNodes(envName);
    await Promise.all(
      nodes.map(async (node) => {
        const demo = DEMO_NODES.find((d) => d.id === node.id);
        let mysqlClientConfig: string | undefined;
        const fileSizeLimit = this.fileSizeLimits.get(node.id);
        if (demo?.database) {
          this.credentials = await this.database.start();
          // From the node's shell, `mysql` reaches the node's database as it would on the platform.
          mysqlClientConfig = `[client]\nsocket=${this.database.socket}\n`;
        }
        const server = new NodeServer({
          nodeId: node.id,
          envName,
          nodeType: node.nodeType,
          dir: join(this.options.dataDir, 'nodes', String(node.id)),
          authorizedKey: this.options.authorizedKey,
          tcpForwarding: demo?.tcpForwarding ?? false,
          ...(mysqlClientConfig ? { mysqlClientConfig } : {}),
          ...(fileSizeLimit !== undefined ? { fileSizeLimit } : {}),
          logFile: join(this.options.logsDir, `sshd-${node.id}.log`),
          children: this.options.children,
          tools: this.options.tools,
        });
        const access = await server.start();
        this.servers.set(node.id, server);
        await this.options.store.setNodeAccess(node.id, access);
      }),
    );
  }

  /**
   * Makes a node's disk "full" for files larger than `bytes`: every file its sessions (shell, exec,
   * SFTP) write is limited to that size, and a write past it fails with EFBIG ("File too large"; SFTP
   * says "Failure"), as a full disk would fail it. `null` lifts the limit. Works as root and as any
   * other user; new sessions get it at once, running ones keep theirs.
   */
  async limitFileSize(nodeId: number, bytes: number | null): Promise<void> {
    if (bytes === null) this.fileSizeLimits.delete(nodeId);
    else this.fileSizeLimits.set(nodeId, bytes);
    await this.servers.get(nodeId)?.setFileSizeLimit(bytes ?? undefined);
  }

  async stop(envName: string): Promise<void> {
    const nodes = await this.options.store.listNodes(envName);
    await Promise.all(
      nodes.map(async (node) => {
        await this.options.store.setNodeAccess(node.id, null);
        await this.servers.get(node.id)?.stop();
        this.servers.delete(node.id);
        if (DEMO_NODES.find((d) => d.id === node.id)?.database) await this.database.stop();
      }),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    this.servers.clear();
    await this.database.stop();
  }
}
