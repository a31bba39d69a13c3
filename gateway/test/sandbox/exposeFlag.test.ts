import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'enscale-gateway.js');
const dir = mkdtempSync(join(tmpdir(), 'expose-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI to its exit: status and stderr. */
async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stderr };
}

/**
 * With the flag that names the risk, `--host 0.0.0.0` gets past the host check. Each run is then
 * stopped by the next check, before anything listens (a data folder the sandbox refuses, or one that
 * is not a sandbox's), so the test never serves the demo accounts beyond loopback.
 */
describe('--expose-demo-accounts-on-network', () => {
  it('lets `sandbox --host 0.0.0.0` through the host check', async () => {
    const { code, stderr } = await run([
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
    const { code, stderr } = await run([
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
