import { Sandbox } from '@enscale-ssh/gateway';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN_METHODS } from '../../shared/src/apiMethods.ts';
import type { Environment } from '../../shared/src/platform.ts';
import { mysqlQuery } from '../core/support/localPorts.ts';
import { nodeOwned } from '../core/support/nodeOwned.ts';
import { shellQuote } from '../../shared/src/shellQuote.ts';
import { cliCommand, json, runInPty } from './runCli.ts';
import { runAs, scriptAccount, startAs, type ScriptAccount } from './scriptAccount.ts';

const run = promisify(execFile);
const SHOP_APACHE = 518839;
const SHOP_DB = 518840;

/**
 * `enscale-ssh env start|stop|sleep` as a script runs it, judged by real clients: `curl` on the
 * Apache node's web server, `ssh` and `mysql` through a tunnel go down with the environment and come back
 * with it (at the same address, as a node's URL stays on the platform).
 */
let sandbox: Sandbox;
let dir: string;
let demo: ScriptAccount;
let restricted: ScriptAccount;
let web: string;

/** What curl gets from the node's web server: the page, or curl's own failure. */
const curl = (path: string) =>
  run('curl', ['-sS', '--fail', '--max-time', '20', `${web}/${path}`]).then(
    ({ stdout }) => stdout,
    (error: { stderr?: string }) => `curl failed: ${error.stderr ?? ''}`,
  );

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-env-'));
  demo = await scriptAccount(
    sandbox,
    dir,
    { login: 'demo@sandbox.local', password: 'demo' },
    APP_TOKEN_METHODS,
  );
  // The same account's second token, made without the methods that change environments.
  restricted = await scriptAccount(
    sandbox,
    mkdtempSync(join(dir, 'restricted-')),
    { login: 'demo@sandbox.local', password: 'demo' },
    ['users.Account.GetUserInfo', 'environment.Control.GetEnvs'],
  );
  web = sandbox.ready.nodes.find((node) => node.id === SHOP_APACHE)!.web!;
  const root = join(sandbox.dataDir, 'nodes', String(SHOP_APACHE), 'home', 'webroot', 'ROOT');
  writeFileSync(join(root, 'env.txt'), 'shop is up\n');
  await nodeOwned(join(root, 'env.txt'));
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh env', () => {
  it('refuses to stop without --yes when nobody is at a terminal to ask, and changes nothing', async () => {
    const refused = await runAs(demo, ['env', 'stop', 'shop']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/asks before taking nodes down: add --yes/);
    expect(await curl('env.txt')).toBe('shop is up\n');
  });

  it('asks on a terminal, naming the nodes that go down; only yes stops it', async () => {
    const asked = (answer: string) =>
      runInPty(
        `env ${shellQuote(`ENSCALE_SSH_TOKEN=${demo.token}`)} ${cliCommand(demo.profile)} ` +
          `--identity ${shellQuote(demo.key)} env stop shop`,
        answer,
      );
    const declined = await asked('n\r');
    expect(declined.stdout).toMatch(
      /Stop shop\? Its nodes go down: 518839 \(Apache\), 518840 \(MariaDB\)\..*\[y\/N\]/s,
    );
    expect(declined.stdout).toMatch(/Nothing was changed\./);
    expect(declined.code).toBe(1);
    expect(await curl('env.txt')).toBe('shop is up\n');
  });

  it('stops shop: curl and ssh are refused; starting it brings both back at the same address', async () => {
    const stopped = await runAs(demo, ['--json', 'env', 'stop', 'shop', '--yes']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(json<Environment>(stopped)).toMatchObject({ envName: 'shop', status: 2 });
    expect(stopped.stderr).toMatch(/Stopping shop .*\n.*shop: Stopped after \d+ s\./);
    expect(await curl('env.txt')).toMatch(/^curl failed: .*(Failed to connect|Couldn't connect)/);
    const ssh = await runAs(demo, ['ssh', String(SHOP_APACHE), '--', 'echo', 'hello']);
    expect(ssh.code).toBe(1);
    expect(ssh.stdout + ssh.stderr).toMatch(/Environment 'shop' is stopped/);
    // A tunnel to its database is refused by the gateway, and says so.
    const refused = await runAs(demo, ['tunnel', String(SHOP_DB), '3306']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stopped/i);
    const again = await runAs(demo, ['env', 'stop', 'shop', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/shop is already stopped/);

    const started = await runAs(demo, ['env', 'start', 'shop']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toBe('shop  Running\n');
    expect(await curl('env.txt')).toBe('shop is up\n');
    const back = await runAs(demo, ['ssh', String(SHOP_APACHE), '--', 'echo', 'hello']);
    expect(back.stdout).toBe('hello\n');
    // Its MariaDB is back too: the real mysql client through a tunnel.
    const tunnel = startAs(demo, ['--json', 'tunnel', String(SHOP_DB), '3306']);
    try {
      const { local } = JSON.parse(await tunnel.firstLine) as { local: { port: number } };
      const db = sandbox.ready.databases.find((entry) => entry.node === SHOP_DB)!;
      expect(await mysqlQuery(db, local.port, 'select 1')).toBe('1');
    } finally {
      tunnel.child.kill('SIGINT');
      await tunnel.ended;
    }
  });

  it('puts an environment to sleep and wakes it', async () => {
    const sleeping = await runAs(demo, ['--json', 'env', 'sleep', 'shop', '--yes']);
    expect(json<Environment>(sleeping)).toMatchObject({ status: 4 });
    expect(await curl('env.txt')).toMatch(/^curl failed/);
    const listed = await runAs(demo, ['envs']);
    expect(listed.stdout).toMatch(/^shop {2}Sleeping /m);
    const woken = await runAs(demo, ['--json', 'env', 'start', 'shop']);
    expect(json<Environment>(woken)).toMatchObject({ status: 1 });
    expect(await curl('env.txt')).toBe('shop is up\n');
  });

  it('says the platform’s words for a token that may not stop environments, and names the account’s environments for a typo', async () => {
    const denied = await runAs(restricted, ['env', 'stop', 'shop', '--yes']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/environment\.Control\.StopEnv/);
    expect(await curl('env.txt')).toBe('shop is up\n');
    const typo = await runAs(demo, ['env', 'start', 'shoop']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(
      /No environment 'shoop' in your account; yours are: analytics, shop, staging\./,
    );
    const usage = await runAs(demo, ['env', 'restart', 'shop']);
    expect(usage.code).toBe(2);
  });
});
