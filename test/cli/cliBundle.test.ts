import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'enscale-ssh.js');
const PROFILE = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
afterAll(() => rmSync(PROFILE, { recursive: true, force: true }));

interface Manifest {
  format: number;
  inputs: Record<string, string>;
}
interface BundleModule {
  CLI_BUNDLE: string;
  CLI_MANIFEST: string;
  buildCliBundle(): Promise<string>;
  cliBundleFresh(): boolean;
  manifestFresh(manifest: unknown): boolean;
}
const bundler = (await import(pathToFileURL(join(ROOT, 'scripts', 'cliBundle.mjs')).href)) as BundleModule;

/** The CLI as it ships (the bundle) against the TypeScript it is built from (tsx). */
const cli = (args: string[], tsx: boolean) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ENSCALE_SSH_CLI_TSX: tsx ? '1' : '0',
      ENSCALE_SSH_PROFILE: PROFILE,
    },
  });

describe('the command line’s bundle (scripts/cliBundle.mjs)', () => {
  let manifest: Manifest;
  beforeAll(async () => {
    await bundler.buildCliBundle();
    manifest = JSON.parse(readFileSync(bundler.CLI_MANIFEST, 'utf8')) as Manifest;
  }, 60_000);

  it('lists the sources it was made from, and is fresh while they are unchanged', () => {
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        'electron/cli/main.ts',
        'electron/core/Core.ts',
        'shared/src/contract.ts',
        'packages/ssh2-internals/src/index.ts',
        'scripts/cliBundle.mjs',
      ]),
    );
    expect(Object.keys(manifest.inputs).some((file) => file.startsWith('node_modules'))).toBe(false);
    expect(bundler.cliBundleFresh()).toBe(true);
  });

  it('is stale once any source differs from what it was made from, or the format changed', () => {
    const changed = { ...manifest, inputs: { ...manifest.inputs, 'electron/cli/main.ts': '1:1' } };
    expect(bundler.manifestFresh(changed)).toBe(false);
    const gone = { ...manifest, inputs: { ...manifest.inputs, 'electron/cli/removed.ts': '1:1' } };
    expect(bundler.manifestFresh(gone)).toBe(false);
    expect(bundler.manifestFresh({ ...manifest, format: manifest.format - 1 })).toBe(false);
    expect(bundler.manifestFresh(manifest)).toBe(true);
  });

  it('says and does what the TypeScript does: the usage, and a usage error with status 2', () => {
    for (const args of [['--help'], ['no-such-command'], ['ssh', 'not-a-node']]) {
      const shipped = cli(args, false);
      const source = cli(args, true);
      expect({ status: shipped.status, stdout: shipped.stdout, stderr: shipped.stderr }).toEqual({
        status: source.status,
        stdout: source.stdout,
        stderr: source.stderr,
      });
    }
    expect(cli(['no-such-command'], false).status).toBe(2);
  });

  it('has no import(): on Node 20 a function restored from the code cache cannot run one', () => {
    // bin/codeCache.mjs runs the bundle through vm.Script; such a function fails with "A dynamic
    // import callback was not specified".
    expect(readFileSync(bundler.CLI_BUNDLE, 'utf8')).not.toMatch(/\bimport\(/);
  });

  it('loads neither node-pty nor valibot from node_modules for a command that needs no terminal', () => {
    // What the process required from node_modules, written at its exit.
    const preload = join(PROFILE, 'loaded.cjs');
    const loaded = join(PROFILE, 'loaded.json');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, ` +
        `JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules')))));`,
    );
    const use = spawnSync(
      process.execPath,
      ['--require', preload, BIN, 'platform', 'use', 'http://127.0.0.1:9', '--gateway', '127.0.0.1:9'],
      { encoding: 'utf8', env: { ...process.env, ENSCALE_SSH_PROFILE: PROFILE } },
    );
    expect(use.stderr).toBe('');
    expect(use.status).toBe(0);
    const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    expect(modules.filter((file) => /node_modules[\\/](node-pty|valibot)[\\/]/.test(file))).toEqual([]);
  });
});
