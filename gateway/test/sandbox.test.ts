import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxReady } from '../src/sandbox/Sandbox.ts';
import { callApi } from './support/api.ts';
import { sshToNode } from './support/ssh.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'enscale-gateway.js');

interface Running {
  proc: ChildProcess;
  ready: SandboxReady;
  stdoutLines: string[];
}

/** Starts `enscale-gateway sandbox --json` as a user would, and reads its ready line. */
function startCli(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const proc = spawn(
    process.execPath,
    [BIN, 'sandbox', '--json', '--api-port', '0', '--port', '0', ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdoutLines: string[] = [];
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      stdoutLines.push(line);
      if (stdoutLines.length === 1) resolve({ proc, ready: JSON.parse(line) as SandboxReady, stdoutLines });
    });
    proc.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
}

/** The pids whose parent is `pid`, read from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Every process below `pid`: the servers and what they run (a node's sshd, busybox httpd, postgres). */
async function descendantsOf(pid: number): Promise<number[]> {
  const direct = await childrenOf(pid);
  return [...direct, ...(await Promise.all(direct.map(descendantsOf))).flat()];
}

const EXPECTED_SERVERS =
  process.getuid?.() === 0
    ? ['mariadbd', ...Array<string>(6).fill('unshare')]
    : ['mariadbd', 'postgres', 'sshd', 'sshd', 'sshd', 'sshd', 'sshd'];

/** The servers among them; the rest (tsx's esbuild service) must end with the sandbox too. */
const servers = (pids: number[]): string[] =>
  pids
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    })
    // Isolated nodes and PostgreSQL run under unshare (their own namespaces), their processes below it.
    .filter((name) => ['sshd', 'mariadbd', 'unshare', 'postgres'].includes(name))
    .sort();

const alive = (pid: number): boolean => {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie has ended; only its parent has not collected it yet.
  return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
};

async function gone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (pids.every((pid) => !alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const exited = (proc: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code)),
  );

describe('enscale-gateway sandbox', () => {
  let sandbox: Running;
  const node = (id: number) => {
    const n = sandbox.ready.nodes.find((x) => x.id === id);
    if (!n?.host || !n.port) throw new Error(`node ${id} is not running`);
    return { id, host: n.host, port: n.port, user: n.user! };
  };

  beforeAll(async () => {
    sandbox = await startCli();
  });
  afterAll(async () => {
    if (sandbox?.proc.exitCode === null) {
      sandbox.proc.kill('SIGTERM');
      await exited(sandbox.proc);
    }
  });

  it('prints exactly one ready line with the demo data', () => {
    const { ready } = sandbox;
    expect(ready).toMatchObject({
      event: 'ready',
      api: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      users: [
        { uid: 4856, login: 'demo@sandbox.local', password: 'demo' },
        { uid: 35526, login: 'other@sandbox.local', password: 'other' },
        {
          uid: 4870,
          login: 'twofa@sandbox.local',
          password: 'twofa',
          totpSecret: expect.stringMatching(/^[A-Z2-7]{32}$/),
        },
      ],
      gateway: { keyTypes: ['ssh-rsa'] },
      database: {
        node: 518840,
        name: 'shop',
        user: 'shop',
        password: expect.stringMatching(/^[A-Za-z0-9]{12,}$/),
      },
      databases: [
        { node: 518840, engine: 'mysql', name: 'shop', user: 'shop', password: ready.database!.password },
        {
          node: 518860,
          engine: 'postgresql',
          name: 'analytics',
          user: 'analytics',
          password: expect.stringMatching(/^[A-Za-z0-9]{12,}$/),
        },
      ],
    });
    expect(ready.nodes.map((n) => [n.id, n.envName, n.port !== null])).toEqual([
      [518839, 'shop', true],
      [518840, 'shop', true],
      [518850, 'staging', false],
      [518860, 'analytics', true],
      [518870, 'vault', true],
      [518900, 'blog', true],
    ]);
    // Only the two-factor account's entry carries a secret.
    expect(ready.users.filter((user) => 'totpSecret' in user).map((user) => user.uid)).toEqual([4870]);
    expect(sandbox.stdoutLines).toHaveLength(1);
  });

  it('lists demo access tokens that work as sessions, each within its methods', async () => {
    const { ready } = sandbox;
    expect(ready.tokens.map((t) => [t.login, t.token.length])).toEqual([
      ['demo@sandbox.local', 40],
      ['demo@sandbox.local', 40],
    ]);
    const [full, envsOnly] = ready.tokens;
    expect(full?.methods).toEqual(
      expect.arrayContaining([
        'environment.Control.GetEnvs',
        'environment.Control.StartEnv',
        'management.Account.AddSSHKey',
        'users.Account.AddSSHKey',
        'users.Account.GetUserInfo',
        'users.Authentication.CheckSign',
      ]),
    );
    expect(envsOnly?.methods).toEqual(['environment.Control.GetEnvs']);
    const keys = (token: string) =>
      callApi(ready.api, 'management/account/rest/getsshkeys', { session: token });
    expect((await keys(full!.token)).body.result).toBe(0);
    expect((await keys(envsOnly!.token)).body).toMatchObject({
      result: 8202,
      error: expect.stringContaining('management.Account.GetSSHKeys'),
    });
    const envs = await callApi(ready.api, 'environment/control/rest/getenvs', { session: envsOnly!.token });
    expect(envs.body.result).toBe(0);
  });

  it('runs a command on a node as the node’s user, in the node’s own files', async () => {
    const result = await sshToNode(
      sandbox.ready.data,
      node(518839),
      'id -un; echo "$HOME"; pwd; echo only-here > mine.txt',
    );
    expect(result.code).toBe(0);
    const [user, home, cwd] = result.stdout.trim().split('\n');
    // Run as root (CI), nodes are isolated: the Apache node's own user and home, as on Enscale.
    expect(user).toBe(process.getuid!() === 0 ? 'apache' : userInfo().username);
    expect(node(518839).user).toBe(user);
    expect(home).toBe(
      process.getuid!() === 0 ? '/var/www' : join(sandbox.ready.data, 'nodes', '518839', 'home'),
    );
    expect(cwd).toBe(home);

    const elsewhere = await sshToNode(sandbox.ready.data, node(518900), 'ls -a; cat mine.txt');
    expect(elsewhere.stdout).toContain('README.txt');
    expect(elsewhere.stdout).not.toContain('mine.txt');
    expect(elsewhere.code).not.toBe(0);
    expect((await sshToNode(sandbox.ready.data, node(518839), 'cat mine.txt')).stdout).toBe('only-here\n');
  });

  it('keeps exit status and stderr apart', async () => {
    const result = await sshToNode(sandbox.ready.data, node(518839), 'echo out; echo err >&2; exit 7');
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', code: 7 });
  });

  it('refuses any key but the gateway’s node-access key', async () => {
    const n = node(518839);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn('ssh', [
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'IdentityFile=/dev/null',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'PasswordAuthentication=yes',
        '-p',
        String(n.port),
        `${n.user}@${n.host}`,
        'true',
      ]);
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('lets mysql on the database node create and read a table', async () => {
    const db = sandbox.ready.database!;
    const sql =
      'CREATE TABLE t_sandbox (id INT PRIMARY KEY, name VARCHAR(20)); ' +
      "INSERT INTO t_sandbox VALUES (1, 'apple'), (2, 'pear'); SELECT name FROM t_sandbox ORDER BY id;";
    const result = await sshToNode(
      sandbox.ready.data,
      node(518840),
      `MYSQL_PWD='${db.password}' mysql -u ${db.user} --batch --skip-column-names ${db.name} -e "${sql}"`,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('apple\npear\n');
    // The node's own socket is its private server, not the machine's.
    const variables = await sshToNode(
      sandbox.ready.data,
      node(518840),
      `MYSQL_PWD='${db.password}' mysql -u ${db.user} --batch --skip-column-names -e "SELECT @@datadir"`,
    );
    expect(variables.stdout.trim()).toBe(join(sandbox.ready.data, 'mariadb', 'data') + '/');
  });

  it('stops every server on SIGTERM and removes its temp folder', async () => {
    const pids = await descendantsOf(sandbox.proc.pid!);
    // sshd for 518839, 518840, 518860, 518870 and 518900 (each under unshare when isolated), PostgreSQL
    // (under unshare too when root) and mariadbd
    expect(servers(await childrenOf(sandbox.proc.pid!))).toEqual(EXPECTED_SERVERS);
    sandbox.proc.kill('SIGTERM');
    expect(await exited(sandbox.proc)).toBe(0);
    expect(await gone(pids)).toBe(true);
    expect(existsSync(sandbox.ready.data)).toBe(false);
  });
});

describe('enscale-gateway sandbox when killed outright', () => {
  it('leaves no server behind', async () => {
    // Killed outright, the sandbox cannot remove its folder: give it one this test removes.
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-kill-'));
    // Also the place to see --key-api reach the API, without starting one more sandbox.
    const { proc, ready } = await startCli(['--data', dir, '--key-api', 'users']);
    const session = String(ready.tokens[0]?.token);
    expect((await callApi(ready.api, 'users/account/rest/getsshkeys', { session })).body.result).toBe(0);
    const management = await callApi(ready.api, 'management/account/rest/getsshkeys', { session });
    expect([management.status, management.body.result]).toEqual([404, 5]);
    const pids = await descendantsOf(proc.pid!);
    expect(servers(await childrenOf(proc.pid!))).toEqual(EXPECTED_SERVERS);
    // The nodes' own processes too: sshd as each namespace's pid 1, the Apache nodes' web servers.
    expect(pids.length).toBeGreaterThan(EXPECTED_SERVERS.length + 5);
    proc.kill('SIGKILL');
    await exited(proc);
    expect(await gone(pids)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** `enscale-gateway sandbox --json --api-port 0 …args` that must refuse to start: its stderr. */
async function refusedStart(args: string[]): Promise<string> {
  const proc = spawn(process.execPath, [BIN, 'sandbox', '--json', '--api-port', '0', ...args]);
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  expect(await exited(proc)).toBe(1);
  return stderr;
}

describe('enscale-gateway sandbox --key-types', () => {
  it('refuses DSA with the reason', async () => {
    expect(await refusedStart(['--port', '0', '--key-types', 'rsa,dsa'])).toMatch(
      /DSA keys cannot be enabled/,
    );
  });
});

describe('enscale-gateway sandbox --key-api', () => {
  it('refuses a place that does not exist, naming the choices', async () => {
    expect(await refusedStart(['--key-api', 'nowhere'])).toContain(
      "--key-api must be one of both, users, management (got 'nowhere')",
    );
  });
});

describe('enscale-gateway sandbox on a port in use', () => {
  it('says so and how to pick another', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const proc = spawn(process.execPath, [
      BIN,
      'sandbox',
      '--json',
      '--api-port',
      String(port),
      '--port',
      '0',
    ]);
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exited(proc)).toBe(1);
    blocker.close();
    expect(stderr).toContain(`Port ${port} is already in use`);
    expect(stderr).toMatch(/0 picks a free one/);
  });
});

describe('enscale-gateway sandbox without sshd', () => {
  it('fails at once naming the package to install', async () => {
    const proc = spawn(process.execPath, [BIN, 'sandbox', '--json', '--api-port', '0'], {
      env: { ...process.env, ENSCALE_SSHD: '/nonexistent/sshd' },
    });
    let stderr = '';
    let stdout = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    expect(await exited(proc)).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/sshd not found .* apt-get install openssh-server/);
  });

  it('names mariadb-server when mariadbd is missing', async () => {
    const proc = spawn(process.execPath, [BIN, 'sandbox', '--json', '--api-port', '0'], {
      env: { ...process.env, ENSCALE_MARIADBD: '/nonexistent/mariadbd' },
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exited(proc)).toBe(1);
    expect(stderr).toMatch(/apt-get install mariadb-server/);
  });
});

describe('enscale-gateway gateway (the gateway alone, for a sandbox data folder)', () => {
  it('refuses a folder that holds no sandbox, rather than serve an empty store', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-a-sandbox-'));
    try {
      const proc = spawn(process.execPath, [BIN, 'gateway', '--json', '--data', empty, '--port', '0']);
      let stderr = '';
      let stdout = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      expect(await exited(proc)).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${empty} is not a sandbox data folder`);
      // Nothing was created in it.
      expect(await readdir(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
