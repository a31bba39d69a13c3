import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * bin/codeCache.mjs: V8's compiled code for the CLI's bundle, kept between runs. It is code the
 * process runs, so a cache that is damaged, made from another bundle, or that another user could
 * have written must be ignored, never run. Each load is its own Node process, as each CLI run is:
 * a cache is written at a process's exit.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CODE_CACHE = pathToFileURL(join(ROOT, 'bin', 'codeCache.mjs')).href;
const BIN = join(ROOT, 'bin', 'enscale-ssh.js');
const DIR = mkdtempSync(join(tmpdir(), 'code-cache-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A bundle whose value is `n`: the same length for every one-digit n, as V8's own check sees it. */
const bundleSource = (n: number) =>
  `"use strict";\nfunction work(x) { return x * ${n}; }\nmodule.exports = { value: work(1), filename: __filename };\n`;

let bundle: string;
let cacheDir: string;
let cacheFile: string;
beforeEach(() => {
  const case_ = mkdtempSync(join(DIR, 'case-'));
  bundle = join(case_, 'bundle.cjs');
  writeFileSync(bundle, bundleSource(1));
  cacheDir = join(case_, 'cache', 'cli');
  cacheFile = join(cacheDir, 'enscale-ssh.cjs.v8');
});

/** Loads the bundle in a new Node process; what it exported, and whether a cache was used. */
function load(word = 'ssh'): { value: number; used: boolean; filename: string } {
  const script = `const { loadWithCodeCache } = await import(${JSON.stringify(CODE_CACHE)});
    const { exports, used } = loadWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(word)}, ${JSON.stringify(cacheDir)});
    process.stdout.write(JSON.stringify({ value: exports.value, used, filename: exports.filename }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { value: number; used: boolean; filename: string };
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the CLI’s code cache (bin/codeCache.mjs)', () => {
  it('is written privately by a first run and used by the next', () => {
    expect(load()).toEqual({ value: 1, used: false, filename: bundle });
    expect(mode(cacheDir)).toBe(0o700);
    expect(mode(cacheFile)).toBe(0o600);
    expect(load()).toEqual({ value: 1, used: true, filename: bundle });
  });

  it('is not trusted for another bundle, even one of the same length, and is replaced', () => {
    load();
    writeFileSync(bundle, bundleSource(7));
    // V8 alone would accept this cache (it compares only the source's length) and run the old code.
    expect(load()).toEqual({ value: 7, used: false, filename: bundle });
    expect(load()).toEqual({ value: 7, used: true, filename: bundle });
  });

  it('ignores a damaged or cut-short file and writes a good one', () => {
    load();
    const data = readFileSync(cacheFile);
    data[data.length - 100] = (data[data.length - 100] ?? 0) ^ 0xff;
    writeFileSync(cacheFile, data, { mode: 0o600 });
    expect(load()).toEqual({ value: 1, used: false, filename: bundle });
    expect(load().used).toBe(true);
    writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 200), { mode: 0o600 });
    expect(load()).toEqual({ value: 1, used: false, filename: bundle });
    writeFileSync(cacheFile, 'not a cache at all', { mode: 0o600 });
    expect(load()).toEqual({ value: 1, used: false, filename: bundle });
    expect(load().used).toBe(true);
  });

  it('ignores a file others may write, a link, or a file of another user', () => {
    load();
    chmodSync(cacheFile, 0o666);
    expect(load().used).toBe(false);
    expect(load().used).toBe(true);

    const elsewhere = join(DIR, `linked-${process.pid}.v8`);
    renameSync(cacheFile, elsewhere);
    symlinkSync(elsewhere, cacheFile);
    expect(load().used).toBe(false);

    rmSync(cacheFile, { force: true });
    load();
    expect(load().used).toBe(true);
    if (process.getuid?.() === 0) {
      chownSync(cacheFile, 65534, 65534);
      expect(load().used).toBe(false);
    }
  });

  it('neither reads nor writes in a folder that is not this user’s', () => {
    if (process.getuid?.() !== 0) return;
    load();
    chownSync(cacheDir, 65534, 65534);
    expect(load()).toEqual({ value: 1, used: false, filename: bundle });
    expect(load().used).toBe(false);
  });

  it('is written again, with what it compiled, by a command it has not seen', () => {
    load('envs');
    const first = readFileSync(cacheFile);
    expect(load('envs').used).toBe(true);
    expect(readFileSync(cacheFile)).toEqual(first);
    load('ssh');
    expect(readFileSync(cacheFile).subarray(0, 64)).not.toEqual(first.subarray(0, 64));
    expect(load('ssh').used).toBe(true);
  });

  it('keeps the code of the packages the bundle requires the same way, never for another version', () => {
    const pkg = join(bundle, '..', 'node_modules', 'pkg');
    mkdirSync(pkg, { recursive: true });
    const pkgSource = (n: number) => `"use strict";\nmodule.exports = { value: (() => ${n})() };\n`;
    writeFileSync(join(pkg, 'index.js'), pkgSource(3));
    writeFileSync(
      bundle,
      `"use strict";\nmodule.exports = { value: require('pkg').value, filename: __filename };\n`,
    );
    expect(load().value).toBe(3);
    const modules = join(cacheDir, 'modules');
    expect(mode(modules)).toBe(0o700);
    const [cached] = readdirSync(modules);
    expect(mode(join(modules, cached ?? ''))).toBe(0o600);
    expect(load().value).toBe(3);
    // Another version of the package, of the same length: its own code runs, not the cached one.
    writeFileSync(join(pkg, 'index.js'), pkgSource(4));
    expect(load().value).toBe(4);
    writeFileSync(join(modules, cached ?? ''), 'damaged', { mode: 0o600 });
    expect(load().value).toBe(4);
  });

  it('is where the OS keeps a user’s caches, and the CLI keeps one there', () => {
    const home = join(DIR, 'home');
    mkdirSync(home);
    const xdg = join(DIR, 'xdg');
    const cli = spawnSync(process.execPath, [BIN, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, XDG_CACHE_HOME: xdg, ENSCALE_SSH_PROFILE: join(DIR, 'profile') },
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^Usage: enscale-ssh/);
    // Node 22.1 and later keep the code themselves (module.enableCompileCache).
    const nodeKeepsIt = Number(process.versions.node.split('.')[0]) >= 22;
    if (!nodeKeepsIt) expect(mode(join(xdg, 'enscale-ssh', 'cli', 'enscale-ssh.cjs.v8'))).toBe(0o600);
  });
});
