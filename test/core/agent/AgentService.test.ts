import { AgentProtocol, utils, type ParsedKey } from 'ssh2';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService, type AgentSignRequest } from '../../../electron/core/agent/AgentService.ts';
import { AgentSocketBusy } from '../../../electron/core/agent/socketFile.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { MemorySecretStore } from '../../../electron/core/keys/memorySecretStore.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { deferred, runTool, sshArgs } from './agentTools.ts';

const SHOP_APACHE_USER = '518839-4856';

/**
 * The app's agent against the real OpenSSH tools (`ssh-add`, `ssh`, `ssh-keygen -Y`) and the sandbox
 * gateway, with the agent as the only agent: SSH_AUTH_SOCK is its socket and no key is on disk for ssh.
 */
let account: SandboxAccount;
let vault: KeyVault;
let rsa: KeyInfo;
let ed25519: KeyInfo;
let agent: AgentService;
let socketPath: string;
let confirmOn = false;
let asked: ((request: AgentSignRequest) => Promise<boolean>) | undefined;

beforeAll(async () => {
  account = await startSandboxAccount();
  vault = new KeyVault({
    dataDir: join(account.dir, 'profile'),
    secrets: new MemorySecretStore(),
    service: 'agent test',
  });
  // The account's key (on the sandbox dashboard), and an Ed25519 key for other servers.
  rsa = await vault.importKey({ text: account.privateKey, name: 'gateway rsa' });
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'x',
    '-f',
    join(account.dir, 'id_ed25519'),
  ]);
  ed25519 = await vault.importKey({
    text: readFileSync(join(account.dir, 'id_ed25519'), 'utf8'),
    name: 'other servers',
  });
  socketPath = join(account.dir, 'profile', 'agent', 'agent.sock');
  agent = new AgentService({
    vault,
    socketPath,
    confirm: (request) => asked?.(request) ?? Promise.resolve(false),
    shouldConfirm: () => confirmOn,
  });
  await agent.start();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await account?.stop();
});

const gateway = () => account.sandbox.ready.gateway!;
const knownHosts = () => join(account.dir, 'known_hosts_ssh');

/** ssh2's client side of the protocol on a fresh connection to the agent. */
function agentClient(): { protocol: AgentProtocol; close(): void } {
  const socket = connect(socketPath);
  const protocol = new AgentProtocol(true);
  socket.pipe(protocol).pipe(socket);
  return { protocol, close: () => socket.destroy() };
}

describe('the socket', () => {
  it('is mode 0600 in a folder of mode 0700', () => {
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(account.dir, 'profile', 'agent')).mode & 0o777).toBe(0o700);
  });
});

describe('ssh-add', () => {
  it('lists the vault keys, with the fingerprints ssh-keygen computes from their public keys', async () => {
    const { code, stdout } = await runTool('ssh-add', ['-l'], socketPath).done;
    expect(code).toBe(0);
    for (const key of [rsa, ed25519]) {
      const pub = join(account.dir, `${key.id}.pub`);
      writeFileSync(pub, `${key.publicKey}\n`);
      const fingerprint = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).split(' ')[1]!;
      expect(fingerprint).toBe(key.fingerprints.sha256);
      expect(stdout).toContain(`${fingerprint} ${key.name}`);
    }
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('refuses to add a key, to remove all keys and to lock; the vault is unchanged', async () => {
    const keyFile = join(account.dir, 'id_new');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const added = await runTool('ssh-add', [keyFile], socketPath).done;
    expect(added.code).not.toBe(0);
    expect(added.stderr).toMatch(/agent refused|Could not add identity/i);
    const removed = await runTool('ssh-add', ['-D'], socketPath).done;
    expect(removed.code).not.toBe(0);
    const deleted = await runTool('ssh-add', ['-d', `${keyFile}.pub`], socketPath).done;
    expect(deleted.code).not.toBe(0);
    expect((await vault.list()).map((key) => key.id).sort()).toEqual([rsa.id, ed25519.id].sort());
    const listed = await runTool('ssh-add', ['-l'], socketPath).done;
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe('signing', () => {
  it('signs ssh in to a node through the sandbox gateway', async () => {
    const { code, stderr } = await runTool(
      'ssh',
      sshArgs(gateway(), SHOP_APACHE_USER, knownHosts()),
      socketPath,
    ).done;
    expect(stderr).not.toMatch(/Permission denied/);
    expect(code).toBe(0);
  }, 60_000);

  it('signs with RSA as rsa-sha2-256 or rsa-sha2-512 as the client asks', async () => {
    const client = agentClient();
    const data = Buffer.from('data to sign');
    const publicKey = utils.parseKey(rsa.publicKey) as ParsedKey;
    const sign = (hash: 'sha256' | 'sha512') =>
      new Promise<Buffer>((resolve, reject) =>
        client.protocol.sign(publicKey, data, { hash }, (error, signature) =>
          error ? reject(error) : resolve(signature!),
        ),
      );
    try {
      const sha256 = await sign('sha256');
      const sha512 = await sign('sha512');
      expect(publicKey.verify(data, sha256, 'sha256')).toBe(true);
      expect(publicKey.verify(data, sha256, 'sha512')).toBe(false);
      expect(publicKey.verify(data, sha512, 'sha512')).toBe(true);
      expect(publicKey.verify(data, sha512, 'sha256')).toBe(false);
    } finally {
      client.close();
    }
  });

  it('signs a file for ssh-keygen -Y, which verifies it (Ed25519)', async () => {
    const file = join(account.dir, 'message.txt');
    writeFileSync(file, 'signed by the app agent\n');
    const pub = join(account.dir, 'ed25519.pub');
    writeFileSync(pub, `${ed25519.publicKey}\n`);
    const signed = await runTool('ssh-keygen', ['-Y', 'sign', '-f', pub, '-n', 'file', file], socketPath)
      .done;
    expect(signed.code).toBe(0);
    const allowed = join(account.dir, 'allowed_signers');
    writeFileSync(allowed, `me ${ed25519.publicKey}\n`);
    const verified = execFileSync(
      'ssh-keygen',
      ['-Y', 'verify', '-f', allowed, '-I', 'me', '-n', 'file', '-s', `${file}.sig`],
      { input: readFileSync(file), encoding: 'utf8' },
    );
    expect(verified).toMatch(/Good "file" signature for me/);
  });

  it('refuses to sign with a key that is not in the vault', async () => {
    const client = agentClient();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(account.dir, 'stranger')]);
    const stranger = utils.parseKey(readFileSync(join(account.dir, 'stranger.pub'), 'utf8')) as ParsedKey;
    try {
      const outcome = await new Promise<string>((resolve) =>
        client.protocol.sign(stranger, Buffer.from('x'), (error) =>
          resolve(error ? error.message : 'signed'),
        ),
      );
      expect(outcome).toMatch(/failure/);
    } finally {
      client.close();
    }
  });
});

describe('confirmation', () => {
  it('holds a signature until the prompt is answered, naming the key and the ssh process', async () => {
    const order: string[] = [];
    const question = deferred<AgentSignRequest>();
    const answer = deferred<boolean>();
    confirmOn = true;
    asked = (request) => {
      order.push('asked');
      question.resolve(request);
      return answer.promise;
    };
    try {
      const ssh = runTool('ssh', sshArgs(gateway(), SHOP_APACHE_USER, knownHosts()), socketPath);
      const request = await question.promise;
      expect(request.keyName).toBe('gateway rsa');
      expect(request.fingerprint).toBe(rsa.fingerprints.sha256);
      expect(request.client?.name).toBe('ssh');
      // The question is open: ssh has not finished, and finishes only after the answer.
      expect(ssh.exited()).toBe(false);
      order.push('answered');
      answer.resolve(true);
      const { code } = await ssh.done;
      order.push('ssh exited');
      expect(code).toBe(0);
      expect(order).toEqual(['asked', 'answered', 'ssh exited']);
    } finally {
      confirmOn = false;
      asked = undefined;
    }
  }, 60_000);

  it('makes ssh fail when the prompt is denied', async () => {
    confirmOn = true;
    let questions = 0;
    asked = async () => {
      questions += 1;
      return false;
    };
    try {
      const { code, stderr } = await runTool(
        'ssh',
        sshArgs(gateway(), SHOP_APACHE_USER, knownHosts()),
        socketPath,
      ).done;
      expect(questions).toBeGreaterThan(0);
      expect(code).toBe(255);
      expect(stderr).toMatch(/Permission denied|agent refused/i);
    } finally {
      confirmOn = false;
      asked = undefined;
    }
  }, 60_000);
});

describe('start and stop', () => {
  it('refuses to start where another agent answers, and leaves that agent working', async () => {
    const second = new AgentService({
      vault,
      socketPath,
      confirm: async () => false,
      shouldConfirm: () => false,
    });
    await expect(second.start()).rejects.toThrow(AgentSocketBusy);
    expect((await runTool('ssh-add', ['-l'], socketPath).done).code).toBe(0);
  });

  it('replaces a socket file a crashed run left behind, and removes its own on stop', async () => {
    const path = join(account.dir, 'crashed', 'agent.sock');
    execFileSync('mkdir', ['-p', '-m', '700', join(account.dir, 'crashed')]);
    // A process that bound the socket and died without removing it: nothing answers there.
    execFileSync('python3', [
      '-c',
      `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path)})`,
    ]);
    expect(statSync(path).isSocket()).toBe(true);
    const service = new AgentService({
      vault,
      socketPath: path,
      confirm: async () => false,
      shouldConfirm: () => false,
    });
    await service.start();
    expect((await runTool('ssh-add', ['-l'], path).done).code).toBe(0);
    await service.stop();
    expect(existsSync(path)).toBe(false);
  });

  it('leaves a file that is not a socket alone', async () => {
    const path = join(account.dir, 'notes', 'agent.sock');
    execFileSync('mkdir', ['-p', join(account.dir, 'notes')]);
    writeFileSync(path, 'mine');
    const service = new AgentService({
      vault,
      socketPath: path,
      confirm: async () => false,
      shouldConfirm: () => false,
    });
    await expect(service.start()).rejects.toThrow(/is not a socket/);
    expect(readFileSync(path, 'utf8')).toBe('mine');
  });

  it('drops a client whose message declares more than 256 KiB', async () => {
    const socket = connect(socketPath);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const header = Buffer.alloc(5);
    header.writeUInt32BE(256 * 1024 + 1, 0);
    header[4] = 17;
    socket.write(header);
    await closed;
    expect((await runTool('ssh-add', ['-l'], socketPath).done).code).toBe(0);
  });
});
