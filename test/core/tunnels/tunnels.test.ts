import { Sandbox } from '@enscale-ssh/gateway';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { HostKeys } from '../../../electron/core/ssh/HostKeys.ts';
import { TunnelService } from '../../../electron/core/tunnels/TunnelService.ts';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { TunnelInfo } from '../../../shared/src/tunnels.ts';
import { GatewayProcess } from '../../reliability/support/GatewayProcess.ts';
import { nodeOwned } from '../support/nodeOwned.ts';
import { freeLocalPort, mysqlQuery } from '../support/localPorts.ts';

const run = promisify(execFile);
const DEMO = 4856;
const OTHER = 35526;
const SHOP_APACHE = 518839;
const SHOP_DB = 518840;
/** A statement by the real `mysql` client through a tunnel to the MariaDB node, as the sandbox's user. */
const mysql = (port: number, sql: string) =>
  mysqlQuery(
    sandbox.ready.databases.find((entry) => entry.node === SHOP_DB)!,
    port,
    sql,
  );
const ANALYTICS_DB = 518860;
const BLOG = 518900;

/**
 * Tunnels through the gateway against the real sandbox: real `mysql`, `psql` and `curl` through
 * them, the node's own refusal, and the gateway (a process of its own, as in
 * test/reliability/gatewayRestart.test.ts) killed and started again under an open tunnel.
 */
let dir: string;
let sandbox: Sandbox;
let gateway: GatewayProcess;
let hostKey: string;
const keys = new Map<number, string>();
const allConnections: GatewayConnections[] = [];

const target = (nodeId: number, uid: number): ConnectionTarget => ({
  gateway: { host: '127.0.0.1', port: gateway.port },
  username: `${nodeId}-${uid}`,
  pinned: { keyType: 'ssh-rsa', sha256: hostKey },
});

/** A tunnel service over gateway connections signed in with `uid`'s key; every change recorded. */
function tunnelsOf(uid: number): { service: TunnelService; seen: { at: number; info: TunnelInfo }[] } {
  const privateKey = keys.get(uid)!;
  const connections = new GatewayConnections({
    hostKeys: new HostKeys(join(dir, `known_hosts_${uid}`)),
    identity: async () => [{ name: `key of ${uid}`, privateKey }],
    interactive: false,
  });
  allConnections.push(connections);
  const service = new TunnelService(connections, { figuresMs: 50 });
  const seen: { at: number; info: TunnelInfo }[] = [];
  service.events.on('changed', (info) => seen.push({ at: Date.now(), info }));
  return { service, seen };
}

/** Polls until `check` holds. No time limit of its own: the test's hang guard ends a wait that never does. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

const latest = (seen: { info: TunnelInfo }[], id: string) =>
  seen.filter((entry) => entry.info.id === id).at(-1)?.info;

/** A raw client of the local port: resolves with its socket once the server's first bytes arrived. */
function greeted(port: number): Promise<{ socket: Socket; greeting: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (greeting) => resolve({ socket, greeting }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'core-tunnels-'));
  // The platform and its nodes here; the gateway alone in a process of its own, so it can be killed.
  sandbox = await Sandbox.start({ apiPort: 0 });
  gateway = await GatewayProcess.start(sandbox.dataDir, 0);
  hostKey = gateway.ready.gateway.hostKey.sha256;
  const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
  for (const [uid, login, password] of [
    [DEMO, 'demo@sandbox.local', 'demo'],
    [OTHER, 'other@sandbox.local', 'other'],
  ] as const) {
    const keyPath = join(dir, `id_rsa_${uid}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', keyPath]);
    const { session } = await platform.signIn(login, password);
    await platform.addKey(session, 'tunnel tests', readFileSync(`${keyPath}.pub`, 'utf8'));
    keys.set(uid, readFileSync(keyPath, 'utf8'));
  }
}, 180_000);

afterAll(async () => {
  for (const connections of allConnections) connections.closeAll();
  await gateway?.kill('SIGTERM');
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('tunnels through the gateway', () => {
  it('lets mysql reach the MariaDB node’s own 3306, counting bytes and clients', async () => {
    const { service, seen } = tunnelsOf(DEMO);
    const tunnel = await service.open({ target: target(SHOP_DB, DEMO), remotePort: 3306, label: 'MariaDB' });
    expect(tunnel).toMatchObject({
      nodeId: SHOP_DB,
      state: 'open',
      local: { host: '127.0.0.1' },
      remote: { host: '127.0.0.1', port: 3306 },
      clients: 0,
      label: 'MariaDB',
    });
    expect(tunnel.local.port).toBeGreaterThan(0);
    expect(tunnel.error).toBeUndefined();
    expect(await mysql(tunnel.local.port, 'select 1')).toBe('1');
    expect(await mysql(tunnel.local.port, 'select @@port, current_user()')).toMatch(/^\d+\tshop@localhost$/);

    // Two clients held open at once: both counted, both greeted by MariaDB (protocol 10).
    const [a, b] = await Promise.all([greeted(tunnel.local.port), greeted(tunnel.local.port)]);
    for (const { greeting } of [a, b]) expect(greeting[4]).toBe(10);
    await until(() => latest(seen, tunnel.id)?.clients === 2);
    a.socket.destroy();
    b.socket.destroy();
    await until(() => latest(seen, tunnel.id)?.clients === 0);
    const [listed] = await service.list();
    expect(listed).toMatchObject({ id: tunnel.id, connections: 4, clients: 0 });
    // Both greetings and both query results came in, the logins and queries went out.
    expect(listed!.bytesIn).toBeGreaterThan(2 * a.greeting.length);
    expect(listed!.bytesOut).toBeGreaterThan(100);

    await service.close(tunnel.id);
    expect(latest(seen, tunnel.id)?.state).toBe('closed');
    expect(await service.list()).toEqual([]);
    // The port is released.
    await expect(greeted(tunnel.local.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('lets psql reach the PostgreSQL node’s own 5432 on a chosen local port', async () => {
    const { service } = tunnelsOf(DEMO);
    const free = await freeLocalPort();
    const tunnel = await service.open({
      target: target(ANALYTICS_DB, DEMO),
      remotePort: 5432,
      localPort: free,
    });
    expect(tunnel.local.port).toBe(free);
    const db = sandbox.ready.databases.find((entry) => entry.node === ANALYTICS_DB)!;
    const { stdout } = await run(
      'psql',
      ['-X', '-tA', '-h', '127.0.0.1', '-p', String(free), '-U', db.user, '-d', db.name, '-c', 'select 6*7'],
      { env: { ...process.env, PGPASSWORD: db.password } },
    );
    expect(stdout.trim()).toBe('42');
    service.closeAll();
  });

  it('carries a web page from the Apache node byte for byte (curl)', async () => {
    const web = new URL(sandbox.ready.nodes.find((node) => node.id === SHOP_APACHE)!.web!);
    const root = join(sandbox.dataDir, 'nodes', String(SHOP_APACHE), 'home', 'webroot', 'ROOT');
    const page = `<h1>through the tunnel ${Date.now()}</h1>\n`.repeat(2000);
    writeFileSync(join(root, 'tunnel.html'), page);
    await nodeOwned(join(root, 'tunnel.html'));
    const { service, seen } = tunnelsOf(DEMO);
    const tunnel = await service.open({ target: target(SHOP_APACHE, DEMO), remotePort: Number(web.port) });
    const { stdout } = await run(
      'curl',
      ['-sS', '--fail', `http://127.0.0.1:${tunnel.local.port}/tunnel.html`],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toBe(page);
    await until(() => (latest(seen, tunnel.id)?.bytesIn ?? 0) > page.length);

    // A client that sends its request and then half-closes (as `nc -N` does) still gets the answer.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(tunnel.local.port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('error', reject);
      socket.once('close', () => resolve(text));
      socket.end('GET /tunnel.html HTTP/1.0\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(answer.endsWith(page)).toBe(true);
    service.closeAll();
  });

  it('shows the node’s own refusal where forwarding is off, and releases the port', async () => {
    const { service, seen } = tunnelsOf(OTHER);
    const tunnel = await service.open({ target: target(BLOG, OTHER), remotePort: 80 });
    expect(tunnel.state).toBe('failed');
    // OpenSSH's words for the node's answer (RFC 4254 reason 1, with sshd's own "open failed").
    expect(tunnel.error).toBe('The node refused the forward: administratively prohibited: open failed');
    expect(await service.list()).toEqual([tunnel]);
    await expect(greeted(tunnel.local.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await service.close(tunnel.id);
    expect(await service.list()).toEqual([]);
    // Removing it is told too, so a panel that listed it drops it.
    expect(latest(seen, tunnel.id)?.state).toBe('closed');
  });

  it('keeps listening when nothing answers on the node’s port, saying so', async () => {
    const { service } = tunnelsOf(DEMO);
    const tunnel = await service.open({ target: target(SHOP_APACHE, DEMO), remotePort: 1 });
    expect(tunnel.state).toBe('open');
    expect(tunnel.error).toBe('Port 1 on the node: connect failed: Connection refused');
    service.closeAll();
  });

  it('refuses a local port that is taken, listing nothing', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const { service } = tunnelsOf(DEMO);
    const opening = service.open({ target: target(SHOP_DB, DEMO), remotePort: 3306, localPort: port });
    await expect(opening).rejects.toBeInstanceOf(InvalidInput);
    await expect(opening).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    expect(await service.list()).toEqual([]);
    taken.close();
    await expect(
      service.open({ target: target(SHOP_DB, DEMO), remotePort: 3306, localPort: port }),
    ).resolves.toMatchObject({ state: 'open', local: { port } });
    service.closeAll();
  });

  it('holds the port while the gateway restarts, reconnecting with back-off, and carries on', async () => {
    const { service, seen } = tunnelsOf(DEMO);
    const tunnel = await service.open({ target: target(SHOP_DB, DEMO), remotePort: 3306 });
    expect(await mysql(tunnel.local.port, 'select 1')).toBe('1');

    const from = seen.length;
    await gateway.kill('SIGKILL');
    // Each attempt announced once, with when it will run (other changes repeat the same retryAt).
    const retries = () =>
      seen
        .slice(from)
        .filter((entry) => entry.info.id === tunnel.id && entry.info.state === 'reconnecting')
        .filter((entry, index, all) => all.findIndex((e) => e.info.retryAt === entry.info.retryAt) === index);
    // The first two waits, as scheduled when each was announced: 1 s, then 2 s.
    await until(() => retries().length >= 2);
    const waits = retries().map((entry) => Math.round((entry.info.retryAt! - entry.at) / 1000));
    expect(waits.slice(0, 2)).toEqual([1, 2]);
    expect(retries()[0]!.info.error).toBe('The connection to the gateway dropped.');
    expect(retries()[1]!.info.error).toMatch(
      /^Cannot reach the SSH gateway 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );

    // A client arriving meanwhile is accepted and waits for the connection.
    const waiting = mysql(tunnel.local.port, 'select 2');
    await until(() => latest(seen, tunnel.id)?.clients === 1);
    gateway = await GatewayProcess.start(sandbox.dataDir, gateway.port);
    expect(await waiting).toBe('2');
    // Its connection is gone once both ends have closed (half-open, as with ssh -L).
    await until(() => latest(seen, tunnel.id)?.clients === 0);
    expect(latest(seen, tunnel.id)).toMatchObject({ state: 'open', connections: 2 });
    expect(latest(seen, tunnel.id)?.error).toBeUndefined();
    expect(await mysql(tunnel.local.port, 'select 3')).toBe('3');
    service.closeAll();
  }, 120_000);
});
