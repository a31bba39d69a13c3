import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A private PostgreSQL server for tests: its own cluster in a temporary folder, on a free loopback
 * port, with password (SCRAM) sign-in. Run as root, the server runs as the `postgres` user the
 * Debian package creates, since postgres refuses to run as root.
 */
export interface PostgresServer {
  port: number;
  /** psql as the cluster's superuser, for setting up and checking; returns stdout. */
  admin(sql: string, database?: string): string;
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's programs, or undefined when none is installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ADMIN = 'pg';

/** Starts a cluster in a folder of its own under the temporary folder, removed again by stop(). */
export async function startPostgres(adminPassword: string): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql).');
  const dir = mkdtempSync(join(tmpdir(), 'postgres-'));
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim() : '';
  const gid = asRoot ? spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim() : '';
  if (asRoot) chownSync(dir, Number(owner), Number(gid));
  const as = (command: string, args: string[]): [string, string[]] =>
    asRoot
      ? [
          '/usr/bin/setpriv',
          ['--reuid', owner, '--regid', gid, '--init-groups', '--pdeathsig', 'TERM', '--', command, ...args],
        ]
      : [command, args];
  const pwfile = join(dir, 'admin-password');
  writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o600 });
  if (asRoot) chownSync(pwfile, Number(owner), Number(gid));
  const data = join(dir, 'data');
  const init = spawnSync(
    ...as(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      ADMIN,
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--locale=C',
    ]),
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    ...as(join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log}`)));
  });
  const env = { ...process.env, PGPASSWORD: adminPassword, PGPORT: String(port), PGHOST: '127.0.0.1' };
  return {
    port,
    admin(sql, database = 'postgres') {
      const run = spawnSync(
        'psql',
        ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', ADMIN, '-d', database, '-c', sql],
        {
          encoding: 'utf8',
          env,
        },
      );
      if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
      return run.stdout;
    },
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
        // SIGINT: PostgreSQL's fast shutdown.
        server.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
