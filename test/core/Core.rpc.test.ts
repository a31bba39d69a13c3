import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/Core.ts';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { HostKeyChanged } from '../../shared/src/errors.ts';
import { messagePortChannel, type MessagePortLike } from '../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../shared/src/rpc/RpcHost.ts';
import type { ConnectionTarget } from '../../shared/src/connections.ts';

/**
 * The core as the renderer sees it: every call below crosses a real MessagePort through the RPC,
 * against a sandbox with its gateway, with keys in the real (test) keychain.
 */
let sandbox: Sandbox;
let dataDir: string;
let core: Core;
let api: CoreContract;
let ports: MessagePort[];

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'core-rpc-'));
  core = new Core({ dataDir, interactive: true, keychainService: `enscale-ssh-test-core-${process.pid}` });
  const { port1, port2 } = new MessageChannel();
  ports = [port1, port2];
  new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), core.exposed());
  api = createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike)).core;
});
afterAll(async () => {
  core?.close();
  for (const port of ports ?? []) port.close();
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const gateway = () => ({ host: sandbox.ready.gateway!.host, port: sandbox.ready.gateway!.port });
const node = (id: number): ConnectionTarget => ({ gateway: gateway(), username: `${id}-4856` });

describe('the core over the RPC', () => {
  it('takes a new user from sign-in to a key on the dashboard', async () => {
    await api.platform.useProfile({
      kind: 'sandbox',
      label: 'Sandbox',
      apiUrl: sandbox.ready.api,
      gateway: gateway(),
    });
    expect((await api.platform.signIn('demo@sandbox.local', 'demo')).uid).toBe(4856);
    const key = await api.keys.generate({ name: 'This laptop', bits: 2048 });
    expect(key).toMatchObject({ name: 'This laptop', type: 'ssh-rsa', bits: 2048 });
    expect(JSON.stringify(key)).not.toMatch(/PRIVATE/);
    const synced = await api.platform.syncKey(key.id);
    expect(synced).toMatchObject({ added: true });
    expect(synced.deviceKeys.map((k) => k.id)).toContain(synced.key.id);
    const envs = await api.platform.environments();
    expect(envs.environments.map((e) => e.envName)).toEqual(['analytics', 'shop', 'staging']);
  });

  it('asks about the gateway’s key once, then opens a node terminal', async () => {
    const asked = new Promise<string>((resolve) => {
      const stop = api.hostKeys.events.on('question', (question) => {
        stop();
        void api.hostKeys.answer(question.id, 'remember');
        resolve(question.sha256);
      });
    });
    const { id } = await api.terminals.open({ target: node(518839), cols: 80, rows: 24 });
    const fingerprints = [
      sandbox.ready.gateway!.hostKey.sha256,
      (sandbox.ready.gateway as unknown as { hostKeyEd25519: { sha256: string } }).hostKeyEd25519.sha256,
    ];
    expect(fingerprints).toContain(await asked);
    const output = new Promise<string>((resolve) => {
      let text = '';
      const stop = api.terminals.events.on('data', (event) => {
        if (event.id !== id) return;
        text += new TextDecoder().decode(event.data);
        void api.terminals.ack(id, event.data.length);
        if (/\b42\b/.test(text)) {
          stop();
          resolve(text);
        }
      });
    });
    await api.terminals.write(id, 'echo $((6*7))\n');
    expect(await output).toMatch(/42/);
    await api.terminals.close(id);
    expect(readFileSync(join(dataDir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${gateway().port}`);
  });

  it('browses, uploads and imports SQL on the nodes', async () => {
    const local = join(dataDir, 'hello.txt');
    writeFileSync(local, 'hello from the core\n');
    const job = await api.transfers.upload({
      target: node(518839),
      localPath: local,
      remotePath: 'hello.txt',
      conflict: 'overwrite',
    });
    expect((await api.transfers.wait(job.id)).state).toBe('done');
    const names = (await api.files.list(node(518839), '.')).map((entry) => entry.name);
    expect(names).toContain('hello.txt');
    expect(await api.files.readText(node(518839), 'hello.txt')).toBe('hello from the core\n');

    const dump = join(dataDir, 'dump.sql');
    writeFileSync(dump, 'CREATE TABLE rpc_test (id INT);\nINSERT INTO rpc_test VALUES (1),(2),(3);\n');
    const db = sandbox.ready.database!;
    await api.databases.importSql({
      target: node(518840),
      nodeType: 'mariadb',
      file: dump,
      credentials: { database: db.name, user: db.user, password: db.password },
    });
    expect((await sandbox.nodes.database.query('SELECT COUNT(*) FROM rpc_test')).trim()).toBe('3');
  });

  it('refuses a changed gateway key with both fingerprints, as a typed error', async () => {
    const file = join(dataDir, 'known_hosts');
    const real = readFileSync(file, 'utf8');
    const forged = real.replace(
      / (ssh-\S+) \S+/,
      ' ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
    );
    writeFileSync(file, forged);
    core.connections.closeAll();
    const error = await api.terminals
      .open({ target: node(518839), cols: 80, rows: 24 })
      .catch((e: unknown) => e);
    writeFileSync(file, real);
    expect(error).toBeInstanceOf(HostKeyChanged);
    expect((error as HostKeyChanged).details).toMatchObject({
      expected: expect.stringMatching(/^SHA256:/),
      actual: expect.stringMatching(/^SHA256:/),
    });
  });
});
