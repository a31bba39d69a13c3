// `npm start` / `npm run start:desktop`: builds the renderer and bundles electron/main, electron/preload and electron/core-process into
// out/desktop and runs them in Electron. `--build-only` bundles and stops (npm run dist does that
// first); `--out DIR` bundles elsewhere. Arguments after `--` go to the app.
//
// Electron's npm package installs without its binary here (the download is blocked), and
// `require('electron')` would try to download it on the spot; so the binary is looked up the way
// that package does it (its path.txt, or ELECTRON_OVERRIDE_DIST_PATH) without downloading, and a
// missing one is said in one line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkspaces } from './bundleWorkspaces.mjs';

const root = resolve(import.meta.dirname, '..');

/** The Electron executable to run, or null when it is not installed. */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, name || 'electron')
    : name
      ? join(packageDir, 'dist', name)
      : '';
  return candidate && existsSync(candidate) ? candidate : null;
}

/** The three bundles. Dependencies stay in node_modules (native modules cannot be bundled). */
async function bundle(outDir, { renderer }) {
  // The renderer (React) is built by Vite into renderer/dist, where main's app:// protocol reads it.
  if (renderer) {
    const vite = await import('vite');
    await vite.build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
  const { build } = await import('esbuild');
  const common = {
    absWorkingDir: root,
    bundle: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    target: 'node22',
    plugins: [bundleWorkspaces],
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/main/main.ts'],
      outfile: join(outDir, 'main.mjs'),
      platform: 'node',
      format: 'esm',
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: ['electron/core-process/main.ts'],
      outfile: join(outDir, 'core-process.mjs'),
      platform: 'node',
      format: 'esm',
      packages: 'external',
    }),
    // A sandboxed preload is one CommonJS file that may require only `electron`: no Node modules.
    build({
      ...common,
      entryPoints: ['electron/preload/preload.ts'],
      outfile: join(outDir, 'preload.cjs'),
      platform: 'browser',
      format: 'cjs',
      target: 'chrome140',
      external: ['electron'],
    }),
  ]);
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    'build-only': { type: 'boolean' },
    out: { type: 'string' },
    sandbox: { type: 'boolean' },
    // Bundles only the Electron side (the tests: renderer/dist may be in use by other tests).
    'skip-renderer': { type: 'boolean' },
  },
});
const outDir = resolve(root, values.out ?? join('out', 'desktop'));

if (values['build-only']) {
  await bundle(outDir, { renderer: !values['skip-renderer'] });
  process.stdout.write(`Bundled the desktop app into ${outDir}\n`);
} else {
  const electron = electronBinary();
  if (!electron) {
    process.stderr.write(
      "Electron's binary is not installed on this machine (it could not be downloaded): run the app in a browser with `npm run start:web -- --sandbox` instead.\n",
    );
    process.exit(1);
  }
  if (values.sandbox && process.platform !== 'linux') {
    // gateway/src/sandbox/platformCheck.ts's line: the sandbox's nodes are Linux servers.
    process.stderr.write(
      'The sandbox needs Linux: connect to a platform instead (`npm run start:desktop`), or run the sandbox in WSL or a Linux VM.\n',
    );
    process.exit(1);
  }
  await bundle(outDir, { renderer: true });
  // --sandbox (what `npm start` passes): the embedded sandbox is the platform on first run.
  const env = values.sandbox ? { ...process.env, ENSCALE_SSH_SANDBOX: '1' } : process.env;
  const child = spawn(electron, [join(outDir, 'main.mjs'), ...positionals], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
