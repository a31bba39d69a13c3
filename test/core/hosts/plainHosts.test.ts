import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../electron/core/Core.ts';
import { MemorySecretStore } from '../../../electron/core/keys/memorySecretStore.ts';
import { AuthenticationFailed } from '../../../shared/src/errors.ts';
import { hostTarget, type SavedHost } from '../../../shared/src/hosts.ts';
import { startPlainSshd, type PlainSshd } from '../support/plainSshd.ts';
import { outputUntil } from '../support/terminalOutput.ts';

const run = promisify(execFile);

let dir: string;
let core: Core;
let keyId: string;
let publicKey: string;
let jumpBox: PlainSshd;
let inner: PlainSshd;
const questions: string[] = [];

/** A fresh ed25519 key made by ssh-keygen: its private and public text. */
async function newKey(name: string): Promise<{ privateKey: string; publicKey: string; file: string }> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return {
    privateKey: await readFile(file, 'utf8'),
    publicKey: (await readFile(`${file}.pub`, 'utf8')).trim(),
    file,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plain-hosts-'));
  core = new Core({ dataDir: join(dir, 'profile'), interactive: true, secrets: new MemorySecretStore() });
  // Every new host key is a question the page would show; the test trusts and remembers each.
  core.hostKeys.events.on('question', (question) => {
    questions.push(`${question.host}:${question.port}`);
    void core.hostKeys.answer(question.id, 'remember');
  });
  const key = await newKey('vault-key');
  publicKey = key.publicKey;
  keyId = (await core.keys.importKey({ text: key.privateKey, name: 'laptop' })).id;
  jumpBox = await startPlainSshd({ authorizedKeys: [publicKey], forwarding: true });
  inner = await startPlainSshd({ authorizedKeys: [publicKey] });
});
afterAll(async () => {
  core?.close();
  await jumpBox?.stop();
  await inner?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a terminal on the host, runs one command and answers what it printed up to `expected`. */
async function shellOn(host: SavedHost, command: string, expected: RegExp): Promise<string> {
  const { id } = await core.terminals.open({ target: hostTarget(host), cols: 100, rows: 30 });
  const seen = outputUntil(core.terminals, id, expected);
  await core.terminals.write(id, `${command}\n`);
  const output = await seen;
  await core.terminals.close(id);
  return output;
}

describe('a saved plain host', () => {
  it('opens a terminal and a file pane with a vault key, after its host key is trusted once', async () => {
    const host = await core.hosts.add({
      name: 'backup box',
      host: '127.0.0.1',
      port: inner.port,
      user: inner.user,
      auth: { kind: 'key', keyId },
    });
    await shellOn(host, 'echo plain-$((6*7))', /plain-42/);
    expect(questions).toEqual([`127.0.0.1:${inner.port}`]);
    const names = (await core.files.list(hostTarget(host), '.')).map((entry) => entry.name);
    expect(names).toContain('hello.txt');
    // Remembered in the app's known_hosts: the next connection asks nothing.
    core.connections.close(hostTarget(host));
    await shellOn(host, 'echo again-$((1+1))', /again-2/);
    expect(questions).toHaveLength(1);
    expect(await readFile(join(dir, 'profile', 'known_hosts'), 'utf8')).toContain(
      inner.hostKey.split(' ')[1],
    );
  });

  it('reaches a host through its jump host, checking both host keys', async () => {
    const jump = await core.hosts.add({
      name: 'bastion',
      host: '127.0.0.1',
      port: jumpBox.port,
      user: jumpBox.user,
      auth: { kind: 'key', keyId },
    });
    const behind = await core.hosts.add({
      name: 'behind the bastion',
      host: 'localhost',
      port: inner.port,
      user: inner.user,
      auth: { kind: 'key', keyId },
      jumpHostId: jump.id,
    });
    await shellOn(behind, 'echo jumped-$((2+3))', /jumped-5/);
    expect(questions).toContain(`127.0.0.1:${jumpBox.port}`);
    expect(questions).toContain(`localhost:${inner.port}`);
  });

  it('signs in with the user’s own SSH agent', async () => {
    const agentKey = await newKey('agent-key');
    const agentHost = await startPlainSshd({ authorizedKeys: [agentKey.publicKey] });
    const { stdout } = await run('ssh-agent', ['-s', '-a', join(dir, 'user-agent.sock')]);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1];
    const before = process.env['SSH_AUTH_SOCK'];
    try {
      process.env['SSH_AUTH_SOCK'] = join(dir, 'user-agent.sock');
      await run('ssh-add', [agentKey.file], { env: { ...process.env } });
      const host = await core.hosts.add({
        name: 'agent box',
        host: '127.0.0.1',
        port: agentHost.port,
        user: agentHost.user,
        auth: { kind: 'agent' },
      });
      await shellOn(host, 'echo agent-$((3*3))', /agent-9/);
    } finally {
      if (before === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = before;
      if (pid) process.kill(Number(pid));
      await agentHost.stop();
    }
  });

  it('says which key the host refused and what to do, naming the host', async () => {
    const other = await newKey('not-authorized');
    const otherId = (await core.keys.importKey({ text: other.privateKey, name: 'old key' })).id;
    const host = await core.hosts.add({
      name: 'strict box',
      host: '127.0.0.1',
      port: inner.port,
      user: inner.user,
      auth: { kind: 'key', keyId: otherId },
    });
    const refused = core.terminals.open({ target: hostTarget(host), cols: 80, rows: 24 });
    await expect(refused).rejects.toBeInstanceOf(AuthenticationFailed);
    await expect(refused).rejects.toThrow(/strict box .*refused “old key” \(SHA256:.*authorized_keys/);
  });
});
