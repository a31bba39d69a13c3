import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/Sandbox.ts';
import { checkSandboxHost, isLoopbackAddress } from '../../src/sandbox/network.ts';
import { SANDBOX_NEEDS_LINUX } from '../../src/sandbox/platformCheck.ts';
import { startStandaloneGateway } from '../../src/sandbox/standaloneGateway.ts';
import type { SystemTools } from '../../src/sandbox/systemTools.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'enscale-gateway.js');
const dir = mkdtempSync(join(tmpdir(), 'sandbox-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI, which must refuse before it starts anything: its exit status and stderr. */
async function refused(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stderr };
}

describe('the sandbox on Windows and macOS', () => {
  it('says in one line that it needs Linux, before it looks for any server program', async () => {
    // Tools that fail loudly if asked for: the platform check must come first.
    const tools = {
      requireAll: () => {
        throw new Error('looked for sshd');
      },
    } as unknown as SystemTools;
    for (const platform of ['win32', 'darwin'] as const) {
      await expect(Sandbox.start({ platform, tools, apiPort: 0 })).rejects.toThrow(SANDBOX_NEEDS_LINUX);
    }
    expect(SANDBOX_NEEDS_LINUX).not.toContain('\n');
    await expect(Sandbox.start({ platform: 'linux', tools, apiPort: 0 })).rejects.toThrow('looked for sshd');
  });
});

describe('the sandbox stays on this computer unless asked twice', () => {
  it('knows loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(false);
  });

  it('refuses a network address without the flag that names the risk, and says what to do', () => {
    expect(() => checkSandboxHost('0.0.0.0', false)).toThrow(
      /demo accounts have published passwords.*--expose-demo-accounts-on-network/,
    );
    expect(() => checkSandboxHost('0.0.0.0', true)).not.toThrow();
    expect(() => checkSandboxHost('127.0.0.1', false)).not.toThrow();
  });

  it('Sandbox.start and the standalone gateway refuse before starting anything', async () => {
    await expect(Sandbox.start({ host: '0.0.0.0', apiPort: 0 })).rejects.toThrow(/Refusing to serve/);
    await expect(startStandaloneGateway({ dataDir: dir, host: '::', port: 0 })).rejects.toThrow(
      /Refusing to serve/,
    );
  });

  it('the CLI refuses `sandbox --host 0.0.0.0` and `gateway --host 0.0.0.0`', async () => {
    const sandbox = await refused(['sandbox', '--json', '--api-port', '0', '--host', '0.0.0.0']);
    expect(sandbox.code).toBe(1);
    expect(sandbox.stderr).toMatch(/Refusing to serve the sandbox on 0\.0\.0\.0/);
    const gateway = await refused(['gateway', '--data', dir, '--port', '0', '--host', '0.0.0.0']);
    expect(gateway.code).toBe(1);
    expect(gateway.stderr).toMatch(/--expose-demo-accounts-on-network/);
  });
});

/**
 * With the flag that names the risk, `--host 0.0.0.0` gets past the host check. Each run is then
 * stopped by the next check, before anything listens (a data folder the sandbox refuses, or one that
 * is not a sandbox's), so the test never serves the demo accounts beyond loopback.
 */
describe('--expose-demo-accounts-on-network', () => {
  it('lets `sandbox --host 0.0.0.0` through the host check', async () => {
    const { code, stderr } = await refused([
      'sandbox',
      '--json',
      '--api-port',
      '0',
      '--host',
      '0.0.0.0',
      '--expose-demo-accounts-on-network',
      '--data',
      join(dir, 'has space'),
    ]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/Refusing to serve/);
    expect(stderr).toMatch(/data folder path may hold only/);
  });

  it('lets `gateway --host ::` through the host check', async () => {
    const { code, stderr } = await refused([
      'gateway',
      '--data',
      dir,
      '--port',
      '0',
      '--host',
      '::',
      '--expose-demo-accounts-on-network',
    ]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/Refusing to serve/);
    expect(stderr).toMatch(/is not a sandbox data folder/);
  });
});
