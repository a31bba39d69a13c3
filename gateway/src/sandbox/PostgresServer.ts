import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseServer } from './DatabaseServer.ts';
import { loadCredentials, type DatabaseCredentials } from './databaseCredentials.ts';
import { freePort } from './network.ts';

const run = promisify(execFile);

/** Where a server run as the host's postgres account sees its folder (see `serverPath`). */
const SERVER_DIR = '/run/enscale-postgres';

/** Who the server runs as: PostgreSQL refuses root, so a root sandbox uses the host's `postgres`. */
function serverAccount(passwd = '/etc/passwd'): { name: string; uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const line = readFileSync(passwd, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) {
    throw new Error(
      'PostgreSQL will not run as root and this machine has no postgres user to run it as. ' +
        'Install it: sudo apt-get install postgresql (or run scripts/install-system-deps.sh).',
    );
  }
  const [, , uid, gid] = line.split(':');
  return { name: 'postgres', uid: Number(uid), gid: Number(gid) };
}

/**
 * A private PostgreSQL server for the sandbox's PostgreSQL node, like the MariaDB one: its own
 * cluster, socket folder and port on loopback, never the machine's own instance. Every login needs
 * a password (SCRAM), the node's user included; the database and its owner are made at first start.
 */
export class PostgresServer extends DatabaseServer {
  private readonly account = serverAccount();

  /** Starts the server; on `port` when given (a restart keeps the port the nodes were told). */
  override async start(port?: number): Promise<DatabaseCredentials> {
    const { dir, tools, children, logFile } = this.options;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.account) await chown(dir, this.account.uid, this.account.gid);
    const credentials = await loadCredentials(dir, this.options.database, this.options.user);
    await mkdir(join(dir, 'superuser'), { recursive: true, mode: 0o700 });
    const superuser = await loadCredentials(join(dir, 'superuser'), 'postgres', 'postgres');
    const data = join(dir, 'data');
    await mkdir(this.socketDir, { recursive: true, mode: 0o755 });
    if (this.account) await chown(this.socketDir, this.account.uid, this.account.gid);
    if (!existsSync(join(data, 'PG_VERSION'))) {
      await rm(data, { recursive: true, force: true });
      await mkdir(data, { mode: 0o700 });
      const pwfile = join(dir, 'superuser', 'pwfile');
      await writeFile(pwfile, superuser.password + '\n', { mode: 0o600 });
      if (this.account) {
        await chown(data, this.account.uid, this.account.gid);
        await chown(join(dir, 'superuser'), this.account.uid, this.account.gid);
        await chown(pwfile, this.account.uid, this.account.gid);
      }
      await run(
        ...this.asServer(tools.path('initdb'), [
          '-D',
          this.serverPath('data'),
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${this.serverPath('superuser/pwfile')}`,
          '--no-sync',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ]),
        { timeout: 120_000 },
      )
        .catch((error: { stderr?: string; message: string }) => {
          throw new Error(
            `initdb failed: ${(error.stderr ?? error.message).trim().split('\n').slice(-3).join(' ')}`,
          );
        })
        .finally(() => rm(pwfile, { force: true }));
    }
    const tcpPort = port ?? (await freePort());
    const child = children.start(
      'postgres',
      ...this.asServer(
        tools.path('postgres'),
        [
          '-D',
          this.serverPath('data'),
          '-p',
          String(tcpPort),
          '-k',
          this.serverPath('run'),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_permissions=0777',
          // A sandbox: a lost last second after a crash is acceptable, a slow 100 MB import is not.
          '-c',
          'synchronous_commit=off',
          '-c',
          'max_wal_size=1GB',
        ],
        true,
      ),
      logFile,
      // Under unshare when root (asServer), which ignores TERM.
      { deathSignal: this.account ? 'KILL' : 'TERM' },
    );
    const env = { ...process.env, PGPASSWORD: superuser.password };
    const isReady = () =>
      run(tools.path('pgIsReady'), ['-q', '-h', this.socketDir, '-p', String(tcpPort)], {
        timeout: 5000,
      }).then(
        () => true,
        () => false,
      );
    for (const started = Date.now(); !(await isReady());) {
      if (child.hasExited())
        throw new Error(`PostgreSQL stopped (exit ${await child.exited}); see ${logFile}`);
      if (Date.now() - started > 60_000)
        throw new Error(`PostgreSQL did not start within 60 s; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { database, user, password } = credentials;
    // Names and password are letters and digits (databaseCredentials.ts), so they need no escaping.
    // One psql for all of it: the owner made or given the password again, the database made once
    // (CREATE DATABASE cannot run in a DO block, hence \gexec).
    const setup = [
      `DO $$ BEGIN`,
      `  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${user}') THEN ALTER ROLE ${user} LOGIN PASSWORD '${password}';`,
      `  ELSE CREATE ROLE ${user} LOGIN PASSWORD '${password}'; END IF;`,
      `END $$;`,
      `SELECT 'CREATE DATABASE ${database} OWNER ${user} ENCODING ''UTF8'''`,
      `  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${database}')\\gexec`,
      '',
    ].join('\n');
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        tools.path('psql'),
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          this.socketDir,
          '-p',
          String(tcpPort),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '-f',
          '-',
        ],
        { env, timeout: 60_000 },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`PostgreSQL setup failed: ${stderr.trim() || error.message}`)) : resolve(),
      );
      child.stdin?.end(setup);
    });
    return this.started(child, tcpPort, credentials);
  }

  /** Runs SQL as the database's owner over TCP; for tests and checks. */
  async query(sql: string): Promise<string> {
    if (!this.credentials || this.port === undefined) throw new Error('PostgreSQL is not running.');
    const { database, user, password } = this.credentials;
    const { stdout } = await run(
      this.options.tools.path('psql'),
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-U',
        user,
        '-d',
        database,
        '-tAc',
        sql,
      ],
      { env: { ...process.env, PGPASSWORD: password }, timeout: 60_000 },
    );
    return stdout;
  }

  /**
   * Where the server sees a path of its folder. As root the server runs as the host's postgres
   * account, which may not search the folders above the data folder (a private TMPDIR, mode 700,
   * say); it sees its folder bound at SERVER_DIR in a mount namespace of its own instead.
   */
  private serverPath(sub: string): string {
    return join(this.account ? SERVER_DIR : this.options.dir, sub);
  }

  /**
   * A command line run as the server's account when the sandbox is root: `unshare` into a mount
   * namespace where a tmpfs over /run holds the server's folder at SERVER_DIR, then setpriv. A
   * long-running server also gets a pid namespace under a root shell as its pid 1: run as another
   * account it would lose the parent-death signal that stops the sandbox's servers when the sandbox
   * is killed (the kernel clears it on a uid change), and when that shell dies, with the sandbox, the
   * kernel ends every process in the namespace.
   */
  private asServer(command: string, args: string[], longRunning = false): [string, string[]] {
    if (!this.account) return [command, args];
    const { uid, gid } = this.account;
    const script = [
      `mount -t tmpfs -o mode=0755 enscale-postgres /run`,
      `mkdir ${SERVER_DIR}`,
      `mount --bind "$0" ${SERVER_DIR} || exit 70`,
      longRunning ? '"$@" & wait $!' : 'exec "$@"',
    ].join(' && ');
    return [
      this.options.tools.path('unshare'),
      [
        '--mount',
        '--propagation',
        'private',
        ...(longRunning ? ['--pid', '--fork', '--kill-child=KILL'] : []),
        '--',
        '/bin/sh',
        '-c',
        script,
        this.options.dir,
        this.options.tools.path('setpriv'),
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--init-groups',
        '--',
        command,
        ...args,
      ],
    ];
  }
}
