import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { Core } from '../../electron/core/Core.ts';
import { WebHost } from '../../electron/webhost/WebHost.ts';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { InvalidInput, type SerializedError } from '../../shared/src/errors.ts';
import type { RpcClient } from '../../shared/src/rpc/RpcClient.ts';
import type { RpcMessage } from '../../shared/src/rpc/protocol.ts';
import { webSocketChannel } from '../../shared/src/rpc/webSocketChannel.ts';
import { openSocket } from './webHostProcess.ts';

/**
 * What a page may send the core, and what it may not: the real core behind the browser host's
 * WebSocket, reached by the typed client (as the renderer) and by raw frames (as any script in the
 * page could), with nothing between the socket and the services but RpcHost.
 */
let dir: string;
let core: Core;
let host: WebHost;
let socket: WebSocket;
let client: RpcClient;
let api: CoreContract;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rpc-args-'));
  core = new Core({
    dataDir: join(dir, 'profile'),
    interactive: true,
    keychainService: `enscale-ssh-test-rpcargs-${process.pid}`,
  });
  host = await WebHost.start({
    services: core.exposed(),
    staticDir: join(dir, 'no-renderer'),
    port: 0,
    stagingDir: join(dir, 'staging'),
  });
  socket = await openSocket(`${host.origin.replace('http:', 'ws:')}/rpc?token=${host.token}`, host.origin);
  ({ client, core: api } = createCoreClient(webSocketChannel(socket)));
});
afterAll(async () => {
  client?.close();
  socket?.terminate();
  await host?.close();
  core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sends one raw request frame and resolves with the host's answer to it. */
let nextId = 1_000_000;
function raw(request: Record<string, unknown>): Promise<{ ok: boolean; error?: SerializedError }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as RpcMessage;
      if (message.kind !== 'response' || message.id !== id) return;
      socket.off('message', onMessage);
      resolve(message.ok ? { ok: true } : { ok: false, error: message.error });
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ kind: 'request', id, ...request }));
  });
}

describe('arguments from the page', () => {
  it('cannot name the program a local terminal runs', async () => {
    const marker = join(dir, 'ran');
    const open = api.localTerminals.open as (request: unknown) => Promise<{ id: string }>;
    const refused = await open({
      cols: 80,
      rows: 24,
      command: { file: '/bin/sh', args: ['-c', `touch ${marker}`] },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidInput);
    expect((refused as InvalidInput).message).toBe(
      'localTerminals.open: args[0].command is not a field it takes.',
    );
    expect((refused as InvalidInput).details).toEqual({
      method: 'localTerminals.open',
      path: 'args[0].command',
    });
    // Refused before the method ran: no pty was started, so nothing could have created the file.
    expect(existsSync(marker)).toBe(false);

    // The user's shell still opens, with the fields the contract declares.
    const { id } = await api.localTerminals.open({ cols: 80, rows: 24, cwd: dir });
    await api.localTerminals.close(id);
  });

  it('refuses unknown fields, at the top and nested, before anything changes', async () => {
    const before = await api.settings.get();
    const update = api.settings.update as (change: unknown) => Promise<unknown>;
    await expect(update({ transfers: { concurrency: 5 }, proxy: 'x' })).rejects.toMatchObject({
      code: 'InvalidInput',
      details: { method: 'settings.update', path: 'args[0].proxy' },
    });
    await expect(update({ transfers: { concurrency: 5, bandwidth: 1 } })).rejects.toMatchObject({
      details: { path: 'args[0].transfers.bandwidth' },
    });
    expect(await api.settings.get()).toEqual(before);

    const generate = api.keys.generate as (request: unknown) => Promise<unknown>;
    await expect(generate({ name: 'k', bits: 2048, privateKeyPath: '/tmp/k' })).rejects.toMatchObject({
      code: 'InvalidInput',
      details: { method: 'keys.generate', path: 'args[0].privateKeyPath' },
    });
    expect(await api.keys.list()).toEqual([]);

    const useProfile = api.platform.useProfile as (profile: unknown) => Promise<void>;
    await expect(
      useProfile({
        kind: 'custom',
        label: 'c',
        apiUrl: 'https://api.example',
        gateway: { host: '127.0.0.1', port: 22, jump: 'evil' },
      }),
    ).rejects.toMatchObject({ details: { path: 'args[0].gateway.jump' } });
    expect((await api.platform.current()).profile).toBeNull();
  });

  it('refuses wrong types and extra arguments', async () => {
    const resize = api.localTerminals.resize as (...args: unknown[]) => Promise<void>;
    await expect(resize('t-1', '80', 24)).rejects.toMatchObject({
      code: 'InvalidInput',
      message: 'localTerminals.resize: args[1] must be number, not "80".',
    });
    const list = api.keys.list as (...args: unknown[]) => Promise<unknown>;
    await expect(list({ all: true })).rejects.toMatchObject({
      message: 'keys.list: takes at most 0 argument(s); args[0] is one too many.',
    });
  });

  it('refuses raw frames a script could send: no list, a forged signal, a signal where none goes', async () => {
    expect(
      await raw({ service: 'localTerminals', method: 'open', args: { cols: 80, rows: 24 } }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'InvalidInput',
        message: 'localTerminals.open: the arguments must be a list, not an object.',
      },
    });
    expect(
      await raw({
        service: 'transfers',
        method: 'wait',
        args: ['j-1', { signal: { aborted: true } }],
        signalArg: 1,
      }),
    ).toMatchObject({ ok: false, error: { code: 'InvalidInput', details: { path: 'args[1].signal' } } });
    expect(await raw({ service: 'localTerminals', method: 'close', args: [{}], signalArg: 0 })).toMatchObject(
      {
        ok: false,
        error: {
          code: 'InvalidInput',
          message: 'localTerminals.close: args[0] cannot carry a cancel signal.',
        },
      },
    );
    // JSON.parse makes `__proto__` an own key: refused like any other unknown one.
    const smuggled: unknown = JSON.parse('{"cols":80,"rows":24,"__proto__":{"command":{"file":"/bin/sh"}}}');
    expect(await raw({ service: 'localTerminals', method: 'open', args: [smuggled] })).toMatchObject({
      ok: false,
      error: { code: 'InvalidInput', details: { path: 'args[0].__proto__' } },
    });
  });

  it('passes a call with its signal to the method, as the renderer sends it', async () => {
    const controller = new AbortController();
    // The method itself answers: the options (emptied of the signal by the client) passed the check.
    await expect(api.transfers.wait('no-such-job', { signal: controller.signal })).rejects.toMatchObject({
      message: "There is no transfer with id 'no-such-job'; it may have been cleared.",
    });
  });
});
