import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../electron/core/Core.ts';
import { MemorySecretStore } from '../../../electron/core/keys/memorySecretStore.ts';
import type { AgentConfirmRequest } from '../../../shared/src/agent.ts';
import { createCoreClient, type CoreContract } from '../../../shared/src/contract.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { messagePortChannel, type MessagePortLike } from '../../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../../shared/src/rpc/RpcHost.ts';
import { deferred, runTool } from './agentTools.ts';

/**
 * The agent as the window reaches it: a Core that follows Settings → SSH agent, every call and event
 * crossing a real MessagePort, the real `ssh-add` and `ssh-keygen -Y sign` as clients.
 */
let dataDir: string;
let core: Core;
let api: CoreContract;
let ports: MessagePort[];
let key: KeyInfo;
let socketPath: string;

function coreOn(dir: string): { core: Core; api: CoreContract; ports: MessagePort[] } {
  const made = new Core({
    dataDir: dir,
    interactive: true,
    secrets: new MemorySecretStore(),
    agent: 'settings',
  });
  const { port1, port2 } = new MessageChannel();
  new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), made.exposed());
  return {
    core: made,
    api: createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike)).core,
    ports: [port1, port2],
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'agent-rpc-'));
  ({ core, api, ports } = coreOn(dataDir));
  key = await api.keys.generate({ name: 'laptop key', bits: 2048 });
  socketPath = join(dataDir, 'agent', 'agent.sock');
});
afterAll(() => {
  core?.close();
  for (const port of ports ?? []) port.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `ssh-keygen -Y sign` of a small file with the vault key, through the agent. */
function signFile() {
  const file = join(dataDir, 'note.txt');
  writeFileSync(file, 'hello\n');
  const pub = join(dataDir, 'key.pub');
  writeFileSync(pub, `${key.publicKey}\n`);
  return runTool('ssh-keygen', ['-Y', 'sign', '-f', pub, '-n', 'file', file], socketPath);
}

describe('the agent in the core', () => {
  it('runs by default, on the socket in the profile, and lists the vault key', async () => {
    expect(await api.agent.status()).toEqual({
      enabled: true,
      running: true,
      socketPath,
      confirm: false,
      pending: [],
    });
    const listed = await runTool('ssh-add', ['-l'], socketPath).done;
    expect(listed.stdout).toContain(`${key.fingerprints.sha256} laptop key (RSA)`);
  });

  it('with confirmation on, holds a signature until the window answers, then signs', async () => {
    await api.settings.update({ agent: { confirm: true } });
    const question = deferred<AgentConfirmRequest>();
    const settled = deferred<{ id: string; allowed: boolean }>();
    const stopAsk = api.agent.events.on('confirmRequest', question.resolve);
    const stopSettled = api.agent.events.on('confirmSettled', settled.resolve);
    try {
      const signing = signFile();
      const request = await question.promise;
      expect(request).toMatchObject({
        keyName: 'laptop key',
        fingerprint: key.fingerprints.sha256,
        client: { name: 'ssh-keygen' },
      });
      // A window opened now learns of the waiting question from the status.
      expect((await api.agent.status()).pending).toEqual([request]);
      expect(signing.exited()).toBe(false);
      await api.agent.answer(request.id, true);
      expect(await settled.promise).toEqual({ id: request.id, allowed: true });
      expect((await signing.done).code).toBe(0);
      expect((await api.agent.status()).pending).toEqual([]);
    } finally {
      stopAsk();
      stopSettled();
    }
  });

  it('with confirmation on, a Deny refuses the signature', async () => {
    const stop = api.agent.events.on('confirmRequest', (request) => void api.agent.answer(request.id, false));
    try {
      const { code, stderr } = await signFile().done;
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/agent refused|Couldn't sign/i);
    } finally {
      stop();
      await api.settings.update({ agent: { confirm: false } });
    }
  });

  it('stops when the setting is turned off (the socket goes) and starts again when turned on', async () => {
    await api.settings.update({ agent: { enabled: false } });
    expect(await api.agent.status()).toMatchObject({ enabled: false, running: false });
    expect(existsSync(socketPath)).toBe(false);
    expect((await runTool('ssh-add', ['-l'], socketPath).done).code).toBe(2);
    await api.settings.update({ agent: { enabled: true } });
    expect(await api.agent.status()).toMatchObject({ enabled: true, running: true });
    expect((await runTool('ssh-add', ['-l'], socketPath).done).code).toBe(0);
  });

  it('says so when another core already serves the profile, and leaves that one running', async () => {
    const other = coreOn(dataDir);
    try {
      const status = await other.api.agent.status();
      expect(status.running).toBe(false);
      expect(status.error).toMatch(/Another SSH agent already answers on .*agent\.sock/);
    } finally {
      other.core.close();
      for (const port of other.ports) port.close();
    }
    expect((await runTool('ssh-add', ['-l'], socketPath).done).code).toBe(0);
  });

  it('removes the socket when the core closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-close-'));
    const other = coreOn(dir);
    try {
      expect((await other.api.agent.status()).running).toBe(true);
      expect(existsSync(join(dir, 'agent', 'agent.sock'))).toBe(true);
      other.core.close();
      expect(existsSync(join(dir, 'agent', 'agent.sock'))).toBe(false);
    } finally {
      for (const port of other.ports) port.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
