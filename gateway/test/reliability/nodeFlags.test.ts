import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../src/nodeFlags.ts';
import { SandboxProcess } from './support/SandboxProcess.ts';

/** The words of a process's command line, as the kernel has them. */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

describe("the gateway's Node flags", () => {
  let sandbox: SandboxProcess | undefined;
  afterAll(() => sandbox?.stop());

  it('are given to Node by `npm run start:sandbox`, before the script', () => {
    const manifest = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
    ) as {
      scripts: Record<string, string>;
    };
    const words = manifest.scripts['start:sandbox']!.split(/\s+/);
    const script = words.findIndex((word) => word.endsWith('enscale-gateway.js'));
    expect(words[0]).toBe('node');
    expect(script).toBeGreaterThan(0);
    expect(words.slice(1, script)).toEqual(expect.arrayContaining([...GATEWAY_NODE_FLAGS]));
  });

  it('are on the command line of the sandbox process that fuzz tests and `bench load` measure', async () => {
    sandbox = await SandboxProcess.start({});
    const words = commandLine(sandbox.pid!);
    const script = words.findIndex((word) => word.endsWith('sandboxChild.ts'));
    expect(script).toBeGreaterThan(0);
    expect(words.slice(1, script)).toEqual(expect.arrayContaining([...GATEWAY_NODE_FLAGS]));
  });
});
