import { Sandbox } from '@enscale-ssh/gateway';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOwned } from '../core/support/nodeOwned.ts';
import { freeLocalPort, listening, mysqlQuery } from '../core/support/localPorts.ts';
import { runAs, scriptAccount, startAs, type ScriptAccount } from './scriptAccount.ts';

const run = promisify(execFile);
const SHOP_APACHE = 518839;
const SHOP_DB = 518840;
/** A statement by the real `mysql` client through a tunnel to the MariaDB node, as the sandbox's user. */
const mysql = (port: number, sql: string) =>
  mysqlQuery(
    sandbox.ready.databases.find((entry) => entry.node === SHOP_DB)!,
    port,
    sql,
  );
const BLOG = 518900;

/**
 * `enscale-ssh tunnel` as a script runs it, with real clients through it (`mysql`, `curl`): each
 * account a profile of its own, signed in for the run only (ENSCALE_SSH_TOKEN and --identity), so no
 * keychain is involved.
 */
let sandbox: Sandbox;
let dir: string;
const accounts = new Map<'demo' | 'other', ScriptAccount>();

/** A run of the CLI as the account, through to its end. */
const cli = (who: 'demo' | 'other', args: string[]) => runAs(accounts.get(who)!, args);

/** `enscale-ssh tunnel ARGS` as the account, left running. */
const startTunnel = (who: 'demo' | 'other', args: string[]) =>
  startAs(accounts.get(who)!, ['tunnel', ...args]);

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-tunnel-'));
  for (const [who, login, password] of [
    ['demo', 'demo@sandbox.local', 'demo'],
    ['other', 'other@sandbox.local', 'other'],
  ] as const) {
    const account = await scriptAccount(sandbox, dir, { login, password }, [
      'users.Account.GetUserInfo',
      'environment.Control.GetEnvs',
    ]);
    accounts.set(who, account);
  }
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh tunnel', () => {
  it('prints one ready line, carries mysql to the MariaDB node, and ends cleanly on Ctrl-C', async () => {
    const tunnel = startTunnel('demo', ['--json', String(SHOP_DB), '3306']);
    const ready = JSON.parse(await tunnel.firstLine) as { local: { host: string; port: number } };
    expect(ready).toEqual({
      local: { host: '127.0.0.1', port: expect.any(Number) as number },
      remote: { node: SHOP_DB, port: 3306 },
    });
    expect(await mysql(ready.local.port, 'select 1')).toBe('1');
    expect(await mysql(ready.local.port, 'select 2')).toBe('2');
    tunnel.child.kill('SIGINT');
    const ended = await tunnel.ended;
    expect(ended.code).toBe(0);
    // Exactly the one line on stdout; nothing went wrong on stderr.
    expect(ended.stdout.split('\n')).toEqual([JSON.stringify(ready), '']);
    expect(ended.stderr).toBe('');
    expect(await listening(ready.local.port)).toBe(false);
  });

  it('forwards a chosen local port to the Apache node’s web server for curl', async () => {
    const web = new URL(sandbox.ready.nodes.find((node) => node.id === SHOP_APACHE)!.web!);
    const root = join(sandbox.dataDir, 'nodes', String(SHOP_APACHE), 'home', 'webroot', 'ROOT');
    writeFileSync(join(root, 'cli-tunnel.txt'), 'served through enscale-ssh tunnel\n');
    await nodeOwned(join(root, 'cli-tunnel.txt'));
    const local = await freeLocalPort();
    const tunnel = startTunnel('demo', [String(SHOP_APACHE), `${local}:${web.port}`]);
    expect(await tunnel.firstLine).toBe(
      `Forwarding 127.0.0.1:${local} to port ${web.port} on node ${SHOP_APACHE}. Ctrl-C stops.`,
    );
    const { stdout } = await run('curl', ['-sS', '--fail', `http://127.0.0.1:${local}/cli-tunnel.txt`]);
    expect(stdout).toBe('served through enscale-ssh tunnel\n');
    tunnel.child.kill('SIGTERM');
    expect((await tunnel.ended).code).toBe(0);
    expect(await listening(local)).toBe(false);
  });

  it('says the node’s refusal and fails where forwarding is off (node 518900)', async () => {
    const result = await cli('other', ['tunnel', String(BLOG), '80']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'enscale-ssh: The node refused the forward: administratively prohibited: open failed\n',
    );
  });

  it('refuses ports it cannot read with the usage, and a taken local port with words', async () => {
    for (const ports of ['abc', '70000', '3306:', ':3306', '0']) {
      const result = await cli('demo', ['tunnel', String(SHOP_DB), ports]);
      expect(result.code, ports).toBe(2);
      expect(result.stderr).toContain('Ports are [LOCAL_PORT:]REMOTE_PORT');
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const result = await cli('demo', ['tunnel', String(SHOP_DB), `${port}:3306`]);
    taken.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `enscale-ssh: Port ${port} on 127.0.0.1 is already in use: choose another, or leave the port empty for a free one.\n`,
    );
  });
});
