import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/spawn-helper.mjs');

interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string } };
}
interface HookModule {
  default: (context: AfterPackContext) => Promise<void>;
  resourcesDir: (context: AfterPackContext) => string;
}
interface HelperModule {
  makeSpawnHelpersExecutable: (nodePtyDir: string) => string[];
}
// Plain .mjs files run by npm and electron-builder, loaded as they load them (not through TypeScript).
const hook = (await import(pathToFileURL(join(ROOT, 'build/afterPack.mjs')).href)) as HookModule;
const helper = (await import(pathToFileURL(SCRIPT).href)) as HelperModule;

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'enscale-spawn-helper-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

/** A node-pty folder as its npm package ships it: the macOS helpers without their execute bits. */
async function fakeNodePty(dir: string, helpers = ['prebuilds/darwin-arm64', 'prebuilds/darwin-x64']) {
  await mkdir(join(dir, 'prebuilds/win32-x64'), { recursive: true });
  await writeFile(join(dir, 'package.json'), '{"name":"node-pty","main":"lib/index.js"}');
  await writeFile(join(dir, 'prebuilds/win32-x64/pty.node'), 'not a helper');
  for (const folder of helpers) {
    await mkdir(join(dir, folder), { recursive: true });
    await writeFile(join(dir, folder, 'spawn-helper'), 'binary');
    await chmod(join(dir, folder, 'spawn-helper'), 0o644);
  }
}

describe('node-pty’s spawn-helper after npm ci (microsoft/node-pty#850)', () => {
  it('is executable in this checkout’s node_modules: the postinstall ran', async () => {
    const prebuilds = join(ROOT, 'node_modules/node-pty/prebuilds');
    const darwin = (await readdir(prebuilds)).filter((name) => name.startsWith('darwin-'));
    // node-pty 1.1.0 ships both; none found would make this test pass for nothing.
    expect(darwin.sort()).toEqual(['darwin-arm64', 'darwin-x64']);
    for (const folder of darwin) {
      expect({ folder, mode: (await modeOf(join(prebuilds, folder, 'spawn-helper'))).toString(8) }).toEqual({
        folder,
        mode: '755',
      });
    }
  });

  it('is what package.json’s postinstall runs', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.postinstall?.split(' && ')).toContain('node scripts/spawn-helper.mjs');
  });
});

describe('scripts/spawn-helper.mjs', () => {
  it('sets 0755 on every macOS helper and a source build’s, and nothing else; a second run changes nothing', async () => {
    const nodePty = join(work, 'node-pty');
    await fakeNodePty(nodePty, ['prebuilds/darwin-arm64', 'prebuilds/darwin-x64', 'build/Release']);
    const changed = helper.makeSpawnHelpersExecutable(nodePty).map((file) => file.slice(nodePty.length + 1));
    expect(changed.sort()).toEqual([
      'build/Release/spawn-helper',
      'prebuilds/darwin-arm64/spawn-helper',
      'prebuilds/darwin-x64/spawn-helper',
    ]);
    for (const file of changed) expect(await modeOf(join(nodePty, file))).toBe(0o755);
    expect(await modeOf(join(nodePty, 'prebuilds/win32-x64/pty.node'))).toBe(0o644);
    expect(helper.makeSpawnHelpersExecutable(nodePty)).toEqual([]);
  });

  it('as the postinstall: fixes an installed node-pty, and exits 0 when there is no node-pty at all', async () => {
    await fakeNodePty(join(work, 'with/node_modules/node-pty'));
    await writeFile(join(work, 'with/package.json'), '{"name":"app"}');
    const fixed = spawnSync(process.execPath, [SCRIPT, join(work, 'with')], { encoding: 'utf8' });
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/darwin-arm64.spawn-helper executable/);
    expect(await modeOf(join(work, 'with/node_modules/node-pty/prebuilds/darwin-x64/spawn-helper'))).toBe(
      0o755,
    );

    await mkdir(join(work, 'without'));
    await writeFile(join(work, 'without/package.json'), '{"name":"app"}');
    const nothing = spawnSync(process.execPath, [SCRIPT, join(work, 'without')], { encoding: 'utf8' });
    expect({ status: nothing.status, stdout: nothing.stdout, stderr: nothing.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});

describe('build/afterPack.mjs', () => {
  const context = (electronPlatformName: string): AfterPackContext => ({
    appOutDir: join(work, 'out'),
    electronPlatformName,
    packager: { appInfo: { productFilename: 'Enscale SSH' } },
  });

  it.each([
    ['darwin', 'out/Enscale SSH.app/Contents/Resources'],
    ['mas', 'out/Enscale SSH.app/Contents/Resources'],
    ['win32', 'out/resources'],
    ['linux', 'out/resources'],
  ])('finds the resources of a %s package in %s', (platform, resources) => {
    expect(hook.resourcesDir(context(platform))).toBe(join(work, resources));
  });

  it('makes the spawn-helper unpacked inside the .app executable', async () => {
    const nodePty = join(hook.resourcesDir(context('darwin')), 'app.asar.unpacked/node_modules/node-pty');
    await fakeNodePty(nodePty);
    await hook.default(context('darwin'));
    expect(await modeOf(join(nodePty, 'prebuilds/darwin-arm64/spawn-helper'))).toBe(0o755);
    expect(await modeOf(join(nodePty, 'prebuilds/darwin-x64/spawn-helper'))).toBe(0o755);
  });

  it('fails a macOS package that has no spawn-helper, naming where it looked', async () => {
    const nodePty = join(hook.resourcesDir(context('darwin')), 'app.asar.unpacked/node_modules/node-pty');
    await fakeNodePty(nodePty, []);
    await expect(hook.default(context('darwin'))).rejects.toThrow(
      `no node-pty spawn-helper under ${nodePty}; local terminals would not start`,
    );
  });

  it('leaves a Windows package without macOS helpers alone', async () => {
    const nodePty = join(hook.resourcesDir(context('win32')), 'app.asar.unpacked/node_modules/node-pty');
    await fakeNodePty(nodePty, []);
    await expect(hook.default(context('win32'))).resolves.toBeUndefined();
    expect(await modeOf(join(dirname(nodePty), 'node-pty/prebuilds/win32-x64/pty.node'))).toBe(0o644);
  });
});
