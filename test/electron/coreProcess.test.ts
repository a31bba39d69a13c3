import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isCoreProcessCommand, parseCoreProcessArgs } from '../../electron/core-process/commandLine.ts';
import { messagePortMainChannel } from '../../electron/core-process/portChannel.ts';
import type { RpcMessage } from '../../shared/src/rpc/protocol.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS = fileURLToPath(new URL('./fixtures/coreProcessHarness.ts', import.meta.url));

/** Electron's MessagePortMain as the adapter sees it: an EventEmitter with postMessage and start. */
class FakePortMain extends EventEmitter {
  sent: unknown[] = [];
  started = 0;
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  start() {
    this.started += 1;
  }
}

describe('the MessagePortMain adapter', () => {
  it('carries RPC messages both ways and starts the port once a receiver is in place', () => {
    const port = new FakePortMain();
    const channel = messagePortMainChannel(port);
    const received: RpcMessage[] = [];
    const request: RpcMessage = { kind: 'request', id: 1, service: 'keys', method: 'list', args: [] };
    port.emit('message', { data: request, ports: [] });
    const stop = channel.onMessage((message) => received.push(message));
    expect(port.started).toBe(1);
    port.emit('message', { data: request, ports: [] });
    port.emit('message', { data: 'junk', ports: [] });
    port.emit('message', { data: null, ports: [] });
    expect(received).toEqual([request]);
    channel.send({ kind: 'response', id: 1, ok: true, value: new Uint8Array([1, 2]) });
    expect(port.sent).toEqual([{ kind: 'response', id: 1, ok: true, value: new Uint8Array([1, 2]) }]);
    stop();
    port.emit('message', { data: request, ports: [] });
    expect(received).toHaveLength(1);
    expect(port.listenerCount('message')).toBe(0);
  });
});

describe('the core process', () => {
  it('reads its data folder and keychain service from the command line', () => {
    expect(parseCoreProcessArgs(['--data-dir', '/d'])).toEqual({
      dataDir: '/d',
      keychainService: undefined,
      sandbox: false,
    });
    expect(parseCoreProcessArgs(['--data-dir', '/d', '--keychain-service', 'k', '--sandbox'])).toEqual({
      dataDir: '/d',
      keychainService: 'k',
      sandbox: true,
    });
    expect(() => parseCoreProcessArgs([])).toThrow(/--data-dir/);
    expect(() => parseCoreProcessArgs(['--data-dir', '/d', '--inspect'])).toThrow();
  });

  it('accepts only its three commands from main', () => {
    expect(isCoreProcessCommand({ kind: 'connect' })).toBe(true);
    expect(isCoreProcessCommand({ kind: 'stop' })).toBe(true);
    expect(isCoreProcessCommand({ kind: 'activity' })).toBe(true);
    for (const junk of [null, undefined, 'stop', {}, { kind: 'exec' }])
      expect(isCoreProcessCommand(junk)).toBe(false);
  });

  it('serves the core over the port main hands it, calls outside the contract refused, and stops on request', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'enscale-core-process-')), 'profile');
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          HARNESS,
          '--data-dir',
          dataDir,
          '--keychain-service',
          `enscale-ssh-test-cp-${process.pid}`,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toBe(`core: ready (data folder ${dataDir})`);
      const result = JSON.parse(lines[1]!) as {
        keys: unknown[];
        profile: unknown;
        refused: string;
        idle: unknown;
        busy: unknown;
      };
      expect(result.keys).toEqual([]);
      // What main asks before the window closes: nothing open, then one local shell.
      expect(result.idle).toEqual({ kind: 'activity', terminals: 0, transfers: 0, tunnels: 0, edits: 0 });
      expect(result.busy).toEqual({ kind: 'activity', terminals: 1, transfers: 0, tunnels: 0, edits: 0 });
      expect(result.refused).toMatch(/No such method: keys\.privateKeyFor/);
      expect((await stat(dataDir)).isDirectory()).toBe(true);
    } finally {
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
