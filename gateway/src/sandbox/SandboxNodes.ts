import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvironmentLifecycle } from '../api/EnvironmentLifecycle.ts';
import type { Store } from '../store/Store.ts';
import type { ChildProcesses } from './ChildProcesses.ts';
import type { DatabaseCredentials } from './databaseCredentials.ts';
import { DEMO_DATABASES, DEMO_NODES, type DemoNode } from './demoData.ts';
import { MariaDbServer } from './MariaDbServer.ts';
import type { NodeBind } from './nodeNamespace.ts';
import { NODE_CONTROL, NodeControl } from './NodeControl.ts';
import { sshdTakesListeningSocket, type NodeNetwork } from './nodeNetwork.ts';
import { NodeServer } from './NodeServer.ts';
import { PostgresServer } from './PostgresServer.ts';
import type { SystemTools } from './systemTools.ts';

export interface SandboxNodesOptions {
  store: Store;
  dataDir: string;
  logsDir: string;
  /** The gateway's node-access public key. */
  authorizedKey: string;
  children: ChildProcesses;
  tools: SystemTools;
  /**
   * Nodes in namespaces of their own, with the service's user and sudo (docs/sandbox.md, "Nodes"):
   * needs root on Linux, which is the default there; elsewhere nodes share the host's filesystem.
   */
  isolated?: boolean;
  /**
   * Whether this Node can hand a listening socket to a node's sshd (`canHandOnListeners`, checked
   * once at start): needed for database nodes' own networks.
   */
  handsOnListeners: boolean;
}

/** Whether this process can give nodes namespaces of their own: root on Linux. */
export const canIsolateNodes = (): boolean => process.platform === 'linux' && process.getuid?.() === 0;

/** What a database node gets from its server: sockets bound in, the port its sessions use. */
interface DatabaseAttachment {
  binds: NodeBind[];
  sessionEnv?: Record<string, string>;
  mysqlClientConfig?: string;
  network?: NodeNetwork;
}

/** Where the platform's database servers listen on their node. */
const MARIADB_PORT = 3306;
const POSTGRES_PORT = 5432;

/**
 * The sandbox's answer to startenv / stopenv: an environment's nodes are real sshd processes (and,
 * for a database node, the private MariaDB or PostgreSQL server) that run exactly while it does.
 */
export class SandboxNodes implements EnvironmentLifecycle {
  private readonly servers = new Map<number, NodeServer>();
  /** Per-node file-size limits (the sandbox's full disk), kept across the node's restarts. */
  private readonly fileSizeLimits = new Map<number, number>();
  /** Each web node's port, kept across its environment's stops and starts (its address stays). */
  private readonly webPorts = new Map<number, number>();
  readonly database: MariaDbServer;
  readonly postgres: PostgresServer;
  private readonly credentials = new Map<number, DatabaseCredentials>();
  /** Database nodes' line to the sandbox, for `sudo service mysql|postgresql restart` on the node. */
  private readonly controls = new Map<number, NodeControl>();
  readonly isolated: boolean;
  /**
   * Whether database nodes get a network of their own, where the database answers on the node's
   * own 3306 / 5432 as on the platform: isolated nodes, with an sshd that takes its socket from
   * the sandbox (Debian's) and a Node that can hand one on. Otherwise every node shares the host's
   * loopback.
   */
  readonly databaseNetworks: boolean;

  constructor(private readonly options: SandboxNodesOptions) {
    this.isolated = options.isolated ?? canIsolateNodes();
    this.databaseNetworks =
      this.isolated && options.handsOnListeners && sshdTakesListeningSocket(options.tools.path('sshd'));
    const [mariadb, postgres] = DEMO_DATABASES;
    const common = { children: options.children, tools: options.tools };
    this.database = new MariaDbServer({
      dir: join(options.dataDir, 'mariadb'),
      database: mariadb.name,
      user: mariadb.user,
      logFile: join(options.logsDir, 'mariadb.log'),
      ...common,
    });
    this.postgres = new PostgresServer({
      dir: join(options.dataDir, 'postgres'),
      database: postgres.name,
      user: postgres.user,
      logFile: join(options.logsDir, 'postgres.log'),
      ...common,
    });
  }

  /** A database node's credentials, once its environment has run. */
  credentialsOf(nodeId: number): DatabaseCredentials | undefined {
    return this.credentials.get(nodeId);
  }

  server(nodeId: number): NodeServer | undefined {
    return this.servers.get(nodeId);
  }

  async start(envName: string): Promise<void> {
    const nodes = await this.options.store.listNodes(envName);
    // Every node's start runs to its end before a failure is reported: a start still writing into
    // its node's folder while the sandbox removes a temp data folder made that removal fail
    // (ENOTEMPTY), and a node started after stopAll ran would be left running.
    const results = await Promise.allSettled(
      nodes.map(async (node) => {
        const demo = DEMO_NODES.find((d) => d.id === node.id);
        const fileSizeLimit = this.fileSizeLimits.get(node.id);
        const attachment = await this.startDatabase(demo);
        const server = new NodeServer({
          nodeId: node.id,
          envName,
          nodeType: node.nodeType,
          dir: join(this.options.dataDir, 'nodes', String(node.id)),
          authorizedKey: this.options.authorizedKey,
          tcpForwarding: demo?.tcpForwarding ?? false,
          isolated: this.isolated,
          ...attachment,
          ...(fileSizeLimit !== undefined ? { fileSizeLimit } : {}),
          ...(this.webPorts.has(node.id) ? { webPort: this.webPorts.get(node.id) } : {}),
          logFile: join(this.options.logsDir, `sshd-${node.id}.log`),
          children: this.options.children,
          tools: this.options.tools,
        });
        const access = await server.start();
        this.servers.set(node.id, server);
        if (server.webPort !== undefined) this.webPorts.set(node.id, server.webPort);
        await this.options.store.setNodeAccess(node.id, access);
      }),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Starts a database node's server; the node reaches it as it would on the platform. */
  private async startDatabase(demo: DemoNode | undefined): Promise<DatabaseAttachment> {
    if (demo?.database === 'mariadb') {
      this.credentials.set(demo.id, await this.database.start());
      // Isolated, Debian's client finds /run/mysqld/mysqld.sock; shared, ~/.my.cnf names the socket.
      const socket = '/run/mysqld/mysqld.sock';
      return {
        binds: [
          { host: this.database.socketDir, node: '/run/mysqld' },
          ...(await this.control(demo.id, this.database, 'mariadb')),
        ],
        mysqlClientConfig: `[client]\nsocket=${this.database.socket}\n`,
        ...(this.databaseNetworks ? { network: { ports: [{ port: MARIADB_PORT, socket }] } } : {}),
      };
    }
    if (demo?.database === 'postgresql') {
      this.credentials.set(demo.id, await this.postgres.start());
      const binds = [
        { host: this.postgres.socketDir, node: '/run/postgresql' },
        ...(await this.control(demo.id, this.postgres, 'postgresql')),
      ];
      if (!this.databaseNetworks) {
        // On the platform PostgreSQL listens on the node's own 5432; sharing the host's loopback,
        // every session is told the private server's port instead (psql and pg_dump read PGPORT).
        return { binds, sessionEnv: { PGPORT: String(this.postgres.port) } };
      }
      // The server's socket under the platform's name too (psql's default port), then the node's
      // own 127.0.0.1:5432 leading to it. A restart keeps the server's port, so the link holds.
      const standard = `.s.PGSQL.${POSTGRES_PORT}`;
      if (this.postgres.port !== POSTGRES_PORT) {
        await rm(join(this.postgres.socketDir, standard), { force: true });
        await symlink(`.s.PGSQL.${this.postgres.port}`, join(this.postgres.socketDir, standard));
      }
      return {
        binds,
        network: { ports: [{ port: POSTGRES_PORT, socket: `/run/postgresql/${standard}` }] },
      };
    }
    return { binds: [] };
  }

  /** Opens a database node's line to the sandbox (NodeControl) and answers what it asks of `server`. */
  private async control(
    nodeId: number,
    server: MariaDbServer | PostgresServer,
    name: string,
  ): Promise<NodeBind[]> {
    this.controls.get(nodeId)?.close();
    // Only an isolated node has an init script that asks, and a root that can bind the line in.
    if (!this.isolated) return [];
    const dir = join(this.options.dataDir, 'nodes', String(nodeId), 'control');
    const control = new NodeControl(dir, async (action) => {
      if (action === 'status') {
        return server.running
          ? { code: 0, text: `${name} is running\n` }
          : { code: 3, text: `${name} is stopped\n` };
      }
      if (action === 'restart' || action === 'reload') {
        await server.restart();
        return { code: 0, text: `Restarting ${name}:                                   [  OK  ]\n` };
      }
      // Its environment decides whether the database runs, as the dashboard does.
      return { code: 1, text: `${name}: start and stop the environment from the dashboard\n` };
    });
    await control.open();
    this.controls.set(nodeId, control);
    return [{ host: dir, node: NODE_CONTROL }];
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
        const database = DEMO_NODES.find((d) => d.id === node.id)?.database;
        this.controls.get(node.id)?.close();
        this.controls.delete(node.id);
        if (database === 'mariadb') await this.database.stop();
        if (database === 'postgresql') await this.postgres.stop();
      }),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    this.servers.clear();
    for (const control of this.controls.values()) control.close();
    this.controls.clear();
    await Promise.all([this.database.stop(), this.postgres.stop()]);
  }
}
