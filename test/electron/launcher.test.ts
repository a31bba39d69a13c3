import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(ROOT, 'scripts/launch-desktop.mjs');

describe('npm run start:desktop', () => {
  it('says in one line that Electron is missing and points to the browser host', () => {
    const run = spawnSync(process.execPath, [LAUNCHER], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(tmpdir(), 'no-electron-here') },
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Electron.*not installed/);
    expect(lines[0]).toContain('npm run start:web');
  });

  it('bundles main, the core process and a sandbox-ready preload', async () => {
    const out = await mkdtemp(join(tmpdir(), 'enscale-desktop-bundle-'));
    try {
      const run = spawnSync(process.execPath, [LAUNCHER, '--build-only', '--skip-renderer', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const preload = await readFile(join(out, 'preload.cjs'), 'utf8');
      // A sandboxed preload can require only a few modules; this one needs electron alone.
      expect([...new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))]).toEqual([
        'electron',
      ]);
      expect(preload).not.toMatch(/^import /m);
      const main = await readFile(join(out, 'main.mjs'), 'utf8');
      expect(main).toMatch(/from "electron"/);
      const core = await readFile(join(out, 'core-process.mjs'), 'utf8');
      // The utility process runs the core: no electron module, the native ones left to node_modules.
      expect(core).not.toMatch(/from "electron"|require\("electron"\)/);
      // ssh2 stays in node_modules, loaded at the first connection (electron/core/ssh/ssh2Module.ts).
      expect(core).toMatch(/createRequire\d*\(import\.meta\.url\)\("ssh2"\)/);
      expect(core).not.toMatch(/SSH-2\.0-ssh2js/);
      expect(core).toMatch(/from "node-pty"/);
      // The ssh2 fence is TypeScript in the repository: bundled, with its start-up check.
      expect(core).not.toMatch(/@enscale-ssh\/ssh2-internals/);
      expect(core).toContain('is installed, but Enscale SSH reaches into private fields of ssh2');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
