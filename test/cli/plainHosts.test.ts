import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostStore } from '../../electron/core/hosts/HostStore.ts';
import { HostKeys } from '../../electron/core/ssh/HostKeys.ts';
import { startPlainSshd, type PlainSshd } from '../core/support/plainSshd.ts';
import { json, runCli } from './runCli.ts';

const run = promisify(execFile);

let dir: string;
let profile: string;
let server: PlainSshd;
let agentPid: number | undefined;
let agentEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-hosts-'));
  profile = join(dir, 'profile');
  // The user's own agent holds the key; the saved host signs in with it.
  const keyFile = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const socket = join(dir, 'agent.sock');
  const { stdout } = await run('ssh-agent', ['-s', '-a', socket]);
  agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1]);
  agentEnv = { SSH_AUTH_SOCK: socket };
  await run('ssh-add', [keyFile], { env: { ...process.env, ...agentEnv } });
  server = await startPlainSshd({ authorizedKeys: [(await readFile(`${keyFile}.pub`, 'utf8')).trim()] });
  const store = new HostStore({ dataDir: profile, keyExists: async () => false });
  await store.add({
    name: 'Backup',
    host: '127.0.0.1',
    port: server.port,
    user: server.user,
    auth: { kind: 'agent' },
  });
  // The CLI asks no questions: the host's key is trusted beforehand, as a user would in the app.
  await new HostKeys(join(profile, 'known_hosts')).remember(
    '127.0.0.1',
    server.port,
    Buffer.from(server.hostKey.split(' ')[1]!, 'base64'),
  );
});
afterAll(async () => {
  if (agentPid) process.kill(agentPid);
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('saved hosts on the command line', () => {
  it('lists them, runs a command on one by name and copies a file both ways', async () => {
    const listed = await runCli(profile, ['hosts', '--json']);
    expect(listed.code).toBe(0);
    expect(json<{ hosts: { name: string }[] }>(listed).hosts.map((h) => h.name)).toEqual(['Backup']);

    const ran = await runCli(
      profile,
      ['ssh', 'backup', '--', 'echo cli-$((5*5)); exit 3'],
      undefined,
      agentEnv,
    );
    expect(ran.stdout).toContain('cli-25');
    expect(ran.code).toBe(3);

    const local = join(dir, 'up.txt');
    await writeFile(local, 'to the plain host\n');
    expect((await runCli(profile, ['put', 'Backup', local, 'up.txt'], undefined, agentEnv)).code).toBe(0);
    expect(await readFile(join(server.dir, 'up.txt'), 'utf8')).toBe('to the plain host\n');
    expect(
      (await runCli(profile, ['get', 'Backup', 'hello.txt', join(dir, 'down.txt')], undefined, agentEnv))
        .code,
    ).toBe(0);
    expect(await readFile(join(dir, 'down.txt'), 'utf8')).toBe('hello from a plain host\n');
  });

  it('says how to trust a host whose key nobody has seen, rather than asking', async () => {
    const other = await startPlainSshd({ authorizedKeys: [] });
    try {
      const store = new HostStore({ dataDir: profile, keyExists: async () => false });
      await store.add({
        name: 'new box',
        host: '127.0.0.1',
        port: other.port,
        user: other.user,
        auth: { kind: 'agent' },
      });
      const result = await runCli(profile, ['ssh', 'new box', '--', 'true'], undefined, agentEnv);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /The host key of “new box” \(127\.0\.0\.1:\d+\) is not known yet: SHA256:.*Open the host once in the app/,
      );
    } finally {
      await other.stop();
    }
  });

  it('names the saved hosts when a name matches none', async () => {
    const result = await runCli(profile, ['ssh', 'nosuch', '--', 'true']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "'nosuch' is neither a node ID nor a saved host (saved hosts: 'Backup', 'new box')",
    );
  });
});
