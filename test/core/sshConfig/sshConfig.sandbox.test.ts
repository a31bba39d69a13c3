import { EnvironmentStatus, Sandbox } from '@enscale-ssh/gateway';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../electron/core/Core.ts';
import { sandboxProfile } from '../../../electron/core/platform/sandboxProfile.ts';
import { writeGatewayKnownHosts } from '../../../electron/core/sshConfig/gatewayHostKey.ts';
import { HostKeyChanged, HostKeyUnknown } from '../../../shared/src/errors.ts';
import { createCoreClient, type CoreContract } from '../../../shared/src/contract.ts';
import { messagePortChannel, type MessagePortLike } from '../../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../../shared/src/rpc/RpcHost.ts';

/*
 * The real proof: the config the app writes, used by the real OpenSSH tools through the sandbox's
 * gateway, with the app's agent as the only agent — SSH_AUTH_SOCK unset, HOME a temp folder, and
 * `IdentityFile none` in the entries, so no key on disk and no other agent can help.
 */
let sandbox: Sandbox;
let dir: string;
let home: string;
let core: Core;
let api: CoreContract;
let ports: MessagePort[];

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = await mkdtemp(join(tmpdir(), 'ssh-config-'));
  home = join(dir, 'home');
  await mkdir(home);
  core = new Core({
    dataDir: join(dir, 'profile'),
    homeDir: home,
    // A window's core: it keeps the installed file current (no host-key question arises: pinned).
    interactive: true,
    keychainService: `enscale-ssh-test-sshconfig-${process.pid}`,
    agent: { confirm: false },
  });
  const { port1, port2 } = new MessageChannel();
  ports = [port1, port2];
  new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), core.exposed());
  api = createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike)).core;
  await api.platform.useProfile(sandboxProfile(sandbox.ready));
  await api.platform.signIn('demo@sandbox.local', 'demo');
  const key = await api.keys.generate({ name: 'ssh config test', bits: 2048 });
  await api.platform.syncKey(key.id);
  expect(await api.agent.status()).toMatchObject({ running: true });
});
afterAll(async () => {
  core?.close();
  for (const port of ports ?? []) port.close();
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A real OpenSSH tool with no agent in its environment and a home of the test's. */
function run(command: string, args: string[]): Promise<Finished> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const exported = () => join(dir, 'exported.config');

describe('ssh config through the sandbox gateway', () => {
  it('lets `ssh -F <exported config> shop-518839 true` in with the app’s agent only', async () => {
    const text = await api.sshConfig.text({ kind: 'all' });
    for (const node of [518839, 518840, 518860, 518850]) expect(text).toContain(`-${node}\n`);
    await writeFile(exported(), text);
    // The gateway's RSA key, checked against the sandbox's published fingerprint, in the app's file.
    const knownHosts = await readFile(join(dir, 'profile', 'ssh', 'known_hosts'), 'utf8');
    const gateway = sandbox.ready.gateway!;
    expect(knownHosts).toContain(`[${gateway.host}]:${gateway.port} ssh-rsa `);
    expect((await stat(join(dir, 'profile', 'ssh', 'known_hosts'))).mode & 0o777).toBe(0o600);

    const result = await run('ssh', ['-F', exported(), '-o', 'BatchMode=yes', '-v', 'shop-518839', 'true']);
    expect(result.stderr).toMatch(/Offering public key: .* agent/);
    expect(result.stderr).not.toMatch(/Trying private key/);
    expect(result.code, result.stderr).toBe(0);
  });

  it('copies a file to the node and back with scp, byte for byte', async () => {
    const data = randomBytes(300_000);
    await writeFile(join(dir, 'up.bin'), data);
    const up = await run('scp', [
      '-F',
      exported(),
      '-q',
      join(dir, 'up.bin'),
      'shop-518839:ssh-config-test.bin',
    ]);
    expect(up.code, up.stderr).toBe(0);
    const down = await run('scp', [
      '-F',
      exported(),
      '-q',
      'shop-518839:ssh-config-test.bin',
      join(dir, 'down.bin'),
    ]);
    expect(down.code, down.stderr).toBe(0);
    expect((await readFile(join(dir, 'down.bin'))).equals(data)).toBe(true);
  });

  it('sends a folder with rsync -a', async () => {
    const folder = join(dir, 'site');
    await mkdir(join(folder, 'css'), { recursive: true });
    await writeFile(join(folder, 'index.html'), '<h1>shop</h1>\n');
    await writeFile(join(folder, 'css', 'shop.css'), 'h1 { color: teal }\n');
    const ssh = `ssh -F '${exported()}' -o BatchMode=yes`;
    const sent = await run('rsync', ['-a', '-e', ssh, `${folder}/`, 'shop-518839:rsync-test/']);
    expect(sent.code, sent.stderr).toBe(0);
    const listed = await run('ssh', [
      '-F',
      exported(),
      'shop-518839',
      'cd rsync-test && find . -type f | sort && cat css/shop.css',
    ]);
    expect(listed.stdout).toBe('./css/shop.css\n./index.html\nh1 { color: teal }\n');
  });

  it('writes ~/.ssh/config’s Include once, keeps the user’s lines, and follows new environments', async () => {
    const users = '# mine\nHost example.org\n  User me\n';
    await mkdir(join(home, '.ssh'), { mode: 0o700 });
    await writeFile(join(home, '.ssh', 'config'), users, { mode: 0o640 });
    const status = await api.sshConfig.install();
    expect(status).toMatchObject({
      installed: true,
      file: join(home, '.ssh', 'enscale-ssh.config'),
      hosts: 4,
    });
    expect(await api.sshConfig.install()).toMatchObject({ installed: true });
    const config = await readFile(join(home, '.ssh', 'config'), 'utf8');
    expect(config.endsWith(`\n\n${users}`)).toBe(true);
    expect(config.match(/^Include /gm)).toEqual(['Include ']);
    expect((await stat(join(home, '.ssh', 'config'))).mode & 0o777).toBe(0o640);

    // OpenSSH reads ~ from the password database, not HOME: the temp home is put in its place for
    // this one process (a private mount namespace), so plain `ssh shop-518839` reads the user's config.
    const plain = await run('unshare', [
      '--mount',
      'sh',
      '-c',
      'mount --bind "$1" "$2" && exec ssh -o BatchMode=yes shop-518839 true',
      'sh',
      home,
      userInfo().homedir,
    ]);
    expect(plain.code, plain.stderr).toBe(0);

    const changed = new Promise((resolve) => api.sshConfig.events.on('status', resolve));
    await sandbox.addEnvironment({
      envName: 'newshop',
      ownerUid: 4856,
      status: EnvironmentStatus.Down,
      nodes: [{ id: 519001 }],
    });
    await api.platform.environments();
    expect(await changed).toMatchObject({ hosts: 5 });
    expect(await readFile(join(home, '.ssh', 'enscale-ssh.config'), 'utf8')).toContain(
      'Host newshop-519001\n',
    );

    expect(await api.sshConfig.uninstall()).toMatchObject({ installed: false, hosts: 0 });
    expect(await readFile(join(home, '.ssh', 'config'), 'utf8')).toBe(users);
  });
});

describe("the gateway's key in the app's known_hosts for ssh", () => {
  const files = (name: string) => ({
    appKnownHosts: join(dir, `${name}-app_known_hosts`),
    sshKnownHosts: join(dir, `${name}-ssh_known_hosts`),
  });
  const gateway = () => ({ host: sandbox.ready.gateway!.host, port: sandbox.ready.gateway!.port });

  it('refuses a gateway that does not offer the published key, and writes nothing', async () => {
    const where = files('wrong-pin');
    const wrong = 'SHA256:' + 'A'.repeat(43);
    await expect(
      writeGatewayKnownHosts({ gateway: gateway(), pinned: { sha256: wrong }, ...where }),
    ).rejects.toThrow(HostKeyChanged);
    await expect(stat(where.sshKnownHosts)).rejects.toThrow(/ENOENT/);
  });

  it('takes an unpinned gateway’s key only from what the user trusted in the app', async () => {
    const where = files('unpinned');
    await expect(writeGatewayKnownHosts({ gateway: gateway(), ...where })).rejects.toThrow(HostKeyUnknown);
    await expect(stat(where.sshKnownHosts)).rejects.toThrow(/ENOENT/);
    const { host, port } = gateway();
    const trusted = `[${host}]:${port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl`;
    await writeFile(where.appKnownHosts, `# mine\n${trusted}\nother.example ssh-rsa AAAAB3NzaC1yc2E=\n`);
    expect(await writeGatewayKnownHosts({ gateway: gateway(), ...where })).toEqual([trusted]);
    expect(await readFile(where.sshKnownHosts, 'utf8')).toMatch(
      new RegExp(`\\n${trusted.replace(/[[\]+]/g, '\\$&')}\\n$`),
    );
  });
});
