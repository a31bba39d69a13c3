import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Sandbox } from '../../src/sandbox/Sandbox.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayFixture, makeKey, registerKey, SHOP_APACHE, SHOP_DB, type UserKey } from '../ssh/helpers.ts';

const ANALYTICS_DB = 518860;

/**
 * The sandbox's nodes as Enscale's are (issue 17): each in namespaces of its own, logged into as the
 * service's user, with sudo for the service's init script only. Everything goes through the gateway
 * with OpenSSH's client, as a user's session would. CI runs as root, which isolation needs.
 */
describe('sandbox nodes: own filesystem, service user, limited sudo', () => {
  let fx: GatewayFixture;
  let key: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'isolation', 'rsa', 2048);
    await registerKey(fx.store, 4856, key.publicKey);
  }, 120_000);

  afterAll(async () => {
    await fx?.stop();
  });

  const onNode = (nodeId: number, command: string) =>
    fx.processes.run('ssh', [...fx.ssh(key, `${nodeId}-4856`), command]);

  it('runs in namespaces: the sandbox is root', () => {
    expect(process.getuid?.()).toBe(0);
    expect(fx.sandbox.nodes.isolated).toBe(true);
  });

  it.each([
    [SHOP_APACHE, 'apache', '/var/www', 'node518839-shop.sandbox.local'],
    [SHOP_DB, 'mysql', '/var/lib/mysql', 'node518840-shop.sandbox.local'],
    [ANALYTICS_DB, 'postgres', '/var/lib/pgsql', 'node518860-analytics.sandbox.local'],
  ])('node %i logs in as %s in %s, named %s', async (nodeId, user, home, hostname) => {
    const result = await onNode(nodeId, 'whoami; pwd; hostname; echo "$HOME"');
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([user, home, hostname, home]);
  });

  it('sees neither another node nor the host', async () => {
    const dataDir = fx.sandbox.dataDir;
    const result = await onNode(
      SHOP_APACHE,
      `ls /root; echo "root=$?"; ls ${dataDir}/nodes/${SHOP_DB}/home; echo "other=$?"; ls /var/lib/mysql; echo "db=$?"; ls /`,
    );
    expect(result.stdout).toContain('root=2');
    expect(result.stderr).toContain("cannot open directory '/root': Permission denied");
    // Not even the data folder's path exists on the node.
    expect(result.stdout).toContain('other=2');
    expect(result.stderr).toContain(`cannot access '${dataDir}/nodes/${SHOP_DB}/home'`);
    expect(result.stdout).toContain('db=2');
    // Only the node's own root: the host's programs, none of its other folders.
    const top = result.stdout
      .slice(result.stdout.indexOf('db=2') + 4)
      .split('\n')
      .filter(Boolean);
    expect(top).toEqual(expect.arrayContaining(['etc', 'proc', 'root', 'tmp', 'usr', 'var']));
    for (const hostOnly of ['home', 'work', 'opt', 'srv', 'mnt']) expect(top).not.toContain(hostOnly);
  });

  it('shows the node only its own processes', async () => {
    const result = await onNode(SHOP_APACHE, 'ls /proc | grep -c "^[0-9]"');
    // sshd, its session, the shell, busybox httpd and the two commands: a handful, never the host's.
    expect(Number(result.stdout.trim())).toBeLessThan(15);
  });

  it('lets sudo run the service script: httpd configtest and restart', async () => {
    const before = await onNode(SHOP_APACHE, 'cat /run/httpd.pid');
    const configtest = await onNode(SHOP_APACHE, 'sudo service httpd configtest');
    expect(configtest.stdout.trim()).toBe('Syntax OK');
    expect(configtest.code).toBe(0);
    const restart = await onNode(SHOP_APACHE, 'sudo service httpd restart');
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/Stopping httpd:.*OK[\s\S]*Starting httpd:.*OK/);
    const after = await onNode(SHOP_APACHE, 'cat /run/httpd.pid; sudo service httpd status');
    // A new web server process, really running.
    expect(after.stdout.split('\n')[0]).not.toBe(before.stdout.trim());
    expect(after.stdout).toContain('is running');
  });

  it('lets sudo restart the database service, which really restarts the server', async () => {
    const maria = fx.sandbox.nodes.database.pid;
    const restart = await onNode(SHOP_DB, 'sudo -n service mysql restart && sudo -n service mysql status');
    expect(restart.stderr).toBe('');
    expect(restart.stdout).toMatch(/Restarting mariadb:.*OK[\s\S]*mariadb is running/);
    expect(fx.sandbox.nodes.database.pid).not.toBe(maria);
    const mysql = fx.sandbox.nodes.credentialsOf(SHOP_DB)!;
    const after = await onNode(
      SHOP_DB,
      `mysql -u ${mysql.user} -p${mysql.password} -N -e 'select 6*7' ${mysql.database}`,
    );
    expect(after.stdout.trim()).toBe('42');

    const port = fx.sandbox.nodes.postgres.port;
    const pg = await onNode(ANALYTICS_DB, 'sudo -n service postgresql restart; echo "rc=$?"');
    expect(pg.stdout).toMatch(/Restarting postgresql:.*OK[\s\S]*rc=0/);
    // Same port, so the node's 5432 still leads to it.
    expect(fx.sandbox.nodes.postgres.port).toBe(port);
    const stop = await onNode(ANALYTICS_DB, 'sudo -n service postgresql stop; echo "rc=$?"');
    expect(stop.stderr).toContain('start and stop the environment from the dashboard');
    expect(stop.stdout).toContain('rc=1');
  });

  it('asks for a password for anything else, and refuses it in batch mode', async () => {
    // -S: sudo prompts on stderr and reads the answer from stdin, here empty, as a user pressing Enter.
    const prompt = await onNode(SHOP_APACHE, 'sudo -S cat /etc/shadow < /dev/null; echo "rc=$?"');
    expect(prompt.stderr).toContain('[sudo] password for apache:');
    expect(prompt.stdout).toContain('rc=1');
    expect(prompt.stdout).not.toContain('root:');
    const batch = await onNode(SHOP_APACHE, 'sudo -n cat /etc/shadow; echo "rc=$?"');
    expect(batch.stderr).toContain('sudo: a password is required');
    expect(batch.stdout).toContain('rc=1');
    const otherService = await onNode(SHOP_APACHE, 'sudo -n service ssh restart; echo "rc=$?"');
    expect(otherService.stdout).toContain('rc=1');
  });

  it('reaches its database as on the platform: by socket, and on the node’s own 3306 / 5432', async () => {
    expect(fx.sandbox.nodes.databaseNetworks).toBe(true);
    const mysql = fx.sandbox.nodes.credentialsOf(SHOP_DB)!;
    const maria = await onNode(
      SHOP_DB,
      `mysql -u ${mysql.user} -p${mysql.password} -N -e 'select 40+2' ${mysql.database}; ` +
        `mysql -h 127.0.0.1 -P 3306 -u ${mysql.user} -p${mysql.password} -N -e 'select 40+3' ${mysql.database}`,
    );
    expect(maria.stdout.trim().split('\n')).toEqual(['42', '43']);
    const pg = fx.sandbox.nodes.credentialsOf(ANALYTICS_DB)!;
    const postgres = await onNode(
      ANALYTICS_DB,
      `echo "PGPORT=$PGPORT"; export PGPASSWORD=${pg.password}; ` +
        `psql -X -tA -U ${pg.user} -h localhost -d ${pg.database} -c 'select 40+2'; ` +
        `psql -X -tA -U ${pg.user} -h 127.0.0.1 -p 5432 -d ${pg.database} -c 'select 40+3'; ` +
        `psql -X -tA -U ${pg.user} -h /run/postgresql -d ${pg.database} -c 'select 40+4'; ` +
        'sudo -n service postgresql status',
    );
    expect(postgres.stdout.split('\n').slice(0, 5)).toEqual([
      'PGPORT=',
      '42',
      '43',
      '44',
      'postgresql is running',
    ]);
  });

  it('gives a database node a network of its own: the host’s loopback ports are not there', async () => {
    const api = Number(new URL(fx.sandbox.ready.api).port);
    const probe = (nodeId: number) =>
      onNode(nodeId, `bash -c 'echo > /dev/tcp/127.0.0.1/${api}' 2>/dev/null && echo open || echo closed`);
    // The Apache node shares the host's loopback (its web server is the ready line's `web`) …
    expect((await probe(SHOP_APACHE)).stdout.trim()).toBe('open');
    // … the database nodes see only their own.
    expect((await probe(SHOP_DB)).stdout.trim()).toBe('closed');
    expect((await probe(ANALYTICS_DB)).stdout.trim()).toBe('closed');
  });

  it('keeps the node files the node user’s on the host, and leaves the host no mount', () => {
    const home = fx.nodeHome(SHOP_APACHE);
    expect(statSync(home).uid).toBe(48);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(fx.sandbox.dataDir);
    // No user was added to the host: the node's users live in its own /etc.
    expect(spawnSync('getent', ['passwd', 'apache']).status).toBe(2);
  });
});

describe('stopping the sandbox', () => {
  it('leaves no process, mount or user behind', async () => {
    const sandbox = await Sandbox.start({ apiPort: 0 });
    const dataDir = sandbox.dataDir;
    // Everything the sandbox runs, the nodes' own processes (busybox httpd, postgres backends) included.
    const all = sandbox.pids().flatMap((pid) => [pid, ...descendants(pid)]);
    expect(all.length).toBeGreaterThan(10);
    await sandbox.stop();
    const alive = all.filter((pid) => existsSync(`/proc/${pid}`));
    expect(alive).toEqual([]);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(dataDir);
    expect(existsSync(dataDir)).toBe(false);
    for (const user of ['apache', 'mysql', 'postgres']) {
      const line = spawnSync('getent', ['passwd', user], { encoding: 'utf8' }).stdout;
      // Debian's packages make mysql and postgres users on the host; the sandbox adds none.
      expect(line.includes(':48:') || line.includes(':27:') || line.includes(':26:')).toBe(false);
    }
  }, 120_000);
});

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Ended meanwhile.
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}
