import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN_METHODS } from '../../shared/src/apiMethods.ts';
import { json, runCli } from './runCli.ts';
import { scriptAccount, type ScriptAccount } from './scriptAccount.ts';

/** `enscale-ssh ssh-config` as a script runs it: a token and a key for the run, HOME a temp folder. */
let sandbox: Sandbox;
let dir: string;
let home: string;
let demo: ScriptAccount;

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-ssh-config-'));
  home = join(dir, 'home');
  mkdirSync(home);
  demo = await scriptAccount(
    sandbox,
    dir,
    { login: 'demo@sandbox.local', password: 'demo' },
    APP_TOKEN_METHODS,
  );
}, 180_000);
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sshConfig = (...args: string[]) =>
  runCli(demo.profile, ['--identity', demo.key, 'ssh-config', ...args], undefined, {
    ENSCALE_SSH_TOKEN: demo.token,
    HOME: home,
  });

const hosts = (text: string) => text.match(/^Host .*/gm) ?? [];

describe('enscale-ssh ssh-config', () => {
  it('prints a Host entry for every node, or for one environment or node', async () => {
    const all = await sshConfig();
    expect(all.code, all.stderr).toBe(0);
    expect(hosts(all.stdout)).toEqual([
      'Host analytics-518860',
      'Host shop-518839',
      'Host shop-518840',
      'Host staging-518850',
    ]);
    const gateway = sandbox.ready.gateway!;
    expect(all.stdout).toContain(`  HostName ${gateway.host}\n  Port ${gateway.port}\n  User 518839-4856\n`);
    // The pinned fingerprint was given without its type: the gateway's RSA key is the one that matches.
    const knownHosts = readFileSync(join(demo.profile, 'ssh', 'known_hosts'), 'utf8');
    expect(knownHosts).toMatch(new RegExp(`^\\[${gateway.host}\\]:${gateway.port} ssh-rsa `, 'm'));

    expect(hosts((await sshConfig('shop')).stdout)).toEqual(['Host shop-518839', 'Host shop-518840']);
    expect(hosts((await sshConfig('518860')).stdout)).toEqual(['Host analytics-518860']);
    expect(json<{ text: string }>(await sshConfig('518860', '--json')).text).toContain(
      'Host analytics-518860\n',
    );
  });

  it('names what is not there', async () => {
    const missing = await sshConfig('nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /No environment 'nope' in your account; yours are: analytics, shop, staging/,
    );
    expect((await sshConfig('999')).stderr).toMatch(/No node 999/);
  });

  it('--write adds the Include once, --remove takes it out, leaving the user’s config as it was', async () => {
    const users = 'Host example.org\n  User me\n';
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'config'), users);
    const written = await sshConfig('--write');
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/config includes .*enscale-ssh\.config \(4 hosts/);
    expect((await sshConfig('--write')).code).toBe(0);
    const config = readFileSync(join(home, '.ssh', 'config'), 'utf8');
    expect(config.match(/^Include enscale-ssh\.config$/gm)).toHaveLength(1);
    expect(config.endsWith(users)).toBe(true);
    expect(hosts(readFileSync(join(home, '.ssh', 'enscale-ssh.config'), 'utf8'))).toHaveLength(4);

    const removed = await sshConfig('--remove');
    expect(removed.stdout).toMatch(/does not include/);
    expect(readFileSync(join(home, '.ssh', 'config'), 'utf8')).toBe(users);
  });

  it('refuses --write for a single environment', async () => {
    const refused = await sshConfig('shop', '--write');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is for every node: leave out 'shop'/);
  });
});
