import { join } from 'node:path';
import type { Child, ChildProcesses } from './ChildProcesses.ts';
import type { DatabaseCredentials } from './databaseCredentials.ts';
import type { SystemTools } from './systemTools.ts';

export interface DatabaseServerOptions {
  /** The server's folder: data/, run/ (its socket), credentials. */
  dir: string;
  database: string;
  user: string;
  logFile: string;
  children: ChildProcesses;
  tools: SystemTools;
}

/**
 * What the sandbox's private database servers (MariaDB, PostgreSQL) share: one process, a port on
 * loopback and a socket folder a database node binds in, and a restart on the same port, as a
 * node's `service … restart` asks (the node's sessions were told the port).
 */
export abstract class DatabaseServer {
  private child: Child | undefined;
  private tcpPort: number | undefined;
  protected credentials: DatabaseCredentials | undefined;

  constructor(protected readonly options: DatabaseServerOptions) {}

  /** Starts the server; on `port` when given. */
  abstract start(port?: number): Promise<DatabaseCredentials>;

  /** The socket's folder; a database node sees it where its engine's Debian client looks. */
  get socketDir(): string {
    return join(this.options.dir, 'run');
  }

  get port(): number | undefined {
    return this.tcpPort;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && !this.child.hasExited();
  }

  /** Stops and starts the server on the same port. */
  async restart(): Promise<void> {
    const port = this.tcpPort;
    await this.stop();
    await this.start(port);
  }

  async stop(): Promise<void> {
    if (this.child) await this.options.children.stop(this.child);
    this.child = undefined;
    this.tcpPort = undefined;
  }

  /** Records a server that is up and answering. */
  protected started(child: Child, port: number, credentials: DatabaseCredentials): DatabaseCredentials {
    this.child = child;
    this.tcpPort = port;
    this.credentials = credentials;
    return credentials;
  }
}
