import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseServer } from './DatabaseServer.ts';
import { loadCredentials, type DatabaseCredentials } from './databaseCredentials.ts';
import { freePort, waitForGreeting } from './network.ts';

const run = promisify(execFile);

export type { DatabaseCredentials } from './databaseCredentials.ts';

// A Unix socket path must fit in sockaddr_un (108 bytes on Linux, 104 on macOS).
const MAX_SOCKET_PATH = 100;

/** The server's first packet: protocol version 10, then the server version string. */
const isMySqlHandshake = (data: Buffer): boolean => data.length > 5 && data[4] === 10;

/**
 * A private MariaDB server for the sandbox's database node: its own data folder, socket and
 * port on loopback, never the machine's own instance. The database and its user are created by
 * an init file at every start, so a kept data folder comes back with the same credentials.
 */
export class MariaDbServer extends DatabaseServer {
  get socket(): string {
    return join(this.socketDir, 'mysqld.sock');
  }

  /** An option file (mode 600) with the socket and the user's credentials, for tools and tests. */
  get clientConfigPath(): string {
    return join(this.options.dir, 'client.cnf');
  }

  /** Starts the server; on `port` when given (a restart keeps the port the nodes were told). */
  override async start(port?: number): Promise<DatabaseCredentials> {
    const { dir, tools, children, logFile } = this.options;
    if (this.socket.length > MAX_SOCKET_PATH) {
      throw new Error(
        `The data folder path is too long for MariaDB's socket (${this.socket}); use a shorter --data.`,
      );
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(this.socketDir, { recursive: true, mode: 0o755 });
    const credentials = await loadCredentials(dir, this.options.database, this.options.user);
    const dataDir = join(dir, 'data');
    // Its own temp folder: servers sharing /tmp collide on temporary-table names during bootstrap.
    const tmp = join(dir, 'tmp');
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    // mariadbd refuses to run as root unless told to; elsewhere it runs as whoever starts it.
    const userArgs = userInfo().uid === 0 ? ['--user=root'] : [];
    if (!existsSync(join(dataDir, 'mysql'))) {
      await rm(dataDir, { recursive: true, force: true });
      await run(
        tools.path('mariadbInstallDb'),
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          '--skip-name-resolve',
          `--tmpdir=${tmp}`,
          ...userArgs,
        ],
        { timeout: 120_000 },
      ).catch((error: { stderr?: string; message: string }) => {
        throw new Error(
          `mariadb-install-db failed: ${(error.stderr ?? error.message).trim().split('\n').slice(-3).join(' ')}`,
        );
      });
    }
    const initFile = join(dir, 'init.sql');
    await writeFile(initFile, this.initSql(credentials), { mode: 0o600 });
    await writeFile(
      this.clientConfigPath,
      `[client]\nsocket=${this.socket}\nuser=${credentials.user}\npassword=${credentials.password}\ndefault-character-set=utf8mb4\n`,
      { mode: 0o600 },
    );

    const tcpPort = port ?? (await freePort());
    const child = children.start(
      'mariadbd',
      tools.path('mariadbd'),
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${this.socket}`,
        `--port=${tcpPort}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        `--log-error=${logFile}`,
        `--init-file=${initFile}`,
        `--tmpdir=${tmp}`,
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=128M',
        '--max-allowed-packet=256M',
        ...userArgs,
      ],
      logFile,
    );
    await waitForGreeting({ path: this.socket }, isMySqlHandshake, {
      abort: child.exited.then((code) => `exit ${code}; see ${logFile}`),
      timeoutMs: 60_000,
      what: 'MariaDB',
    });
    return this.started(child, tcpPort, credentials);
  }

  /** Runs SQL as the database user through the socket; for tests and checks. */
  async query(sql: string): Promise<string> {
    if (!this.credentials) throw new Error('MariaDB is not running.');
    const { stdout } = await run(
      this.options.tools.path('mariadb'),
      [
        `--defaults-extra-file=${this.clientConfigPath}`,
        '--batch',
        '--skip-column-names',
        this.credentials.database,
        '-e',
        sql,
      ],
      { timeout: 60_000 },
    );
    return stdout;
  }

  private initSql({ database, user, password }: DatabaseCredentials): string {
    const db = `\`${database}\``;
    const accounts = ['localhost', '127.0.0.1'].map((host) => `'${user}'@'${host}'`);
    return [
      `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4;`,
      ...accounts.flatMap((account) => [
        `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '${password}';`,
        `ALTER USER ${account} IDENTIFIED BY '${password}';`,
        `GRANT ALL PRIVILEGES ON ${db}.* TO ${account};`,
        // mysqldump reads tablespace information, which needs PROCESS.
        `GRANT PROCESS ON *.* TO ${account};`,
      ]),
      'FLUSH PRIVILEGES;',
      '',
    ].join('\n');
  }
}
