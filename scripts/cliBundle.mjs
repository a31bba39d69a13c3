// The command line as it ships: one CommonJS bundle of electron/cli and what it reaches, in
// out/cli/, built by esbuild at `npm install` (postinstall) and again by `bin/enscale-ssh.js`
// whenever a source it was built from has changed. Transpiling the TypeScript with tsx at every
// run cost 0.6–0.7 s before the first line of output (issue 20); loading the bundle costs a
// tenth of that.
//
// CommonJS rather than ESM so start-up loads only what a command uses: esbuild turns every
// `await import()` of our own modules into a lazy initialiser, and in a CommonJS bundle the
// `require` of a package (ssh2, keytar, node-pty) sits inside that initialiser, where an ESM
// bundle hoists every package import to the top and loads them all at once.
//
// This file is imported by bin/enscale-ssh.js on every run: it must stay cheap to load (node's
// built-ins only; esbuild is imported only when a build is needed).
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkspaces } from './bundleWorkspaces.mjs';

const root = resolve(import.meta.dirname, '..');
export const CLI_BUNDLE = join(root, 'out', 'cli', 'enscale-ssh.cjs');
export const CLI_MANIFEST = join(root, 'out', 'cli', 'inputs.json');
/** Changing how the bundle is built makes every earlier bundle stale. */
const FORMAT = 3;

/**
 * Packages whose code goes into the bundle instead of being required from node_modules: valibot
 * (the RPC's schemas) is imported with `import * as v` by 21 modules, and each such `require` of an
 * external package copied its 600-odd exports onto a new object at start-up (8 ms of the 120 ms of
 * `platform show`, by --cpu-prof on 2026-12-06, plus compiling its 200 KB CommonJS build). Bundled,
 * its ES build is referred to directly and only what the CLI uses is kept. Pure JavaScript only:
 * nothing with a native part or its own private-field users (ssh2) goes in. `npm install` rebuilds
 * the bundle (postinstall), so a new version of one of them is picked up.
 */
const BUNDLED_PACKAGES = ['valibot'];

/**
 * Packages the core imports at the top of a module but a command rarely uses: node-pty serves local
 * terminal tabs, which no CLI command opens, and loading it (its native part) cost 6 ms of every
 * run's start-up (--cpu-prof, 2026-12-06). The bundle gets a stand-in with the same named exports
 * that requires the package at their first call. A named import the stand-in lacks fails the build
 * (`import-is-undefined` is an error below) rather than being undefined at run time.
 */
const LAZY_PACKAGES = { 'node-pty': ['spawn'] };

const packagePlugin = {
  name: 'cli-packages',
  setup(build) {
    const bundled = new RegExp(`^(${BUNDLED_PACKAGES.join('|')})$`);
    // Resolved as an ES module imports it: the ES build, whose exports esbuild refers to directly.
    build.onResolve({ filter: bundled }, (args) => ({ path: fileURLToPath(import.meta.resolve(args.path)) }));
    const lazy = new RegExp(`^(${Object.keys(LAZY_PACKAGES).join('|')})$`);
    build.onResolve({ filter: lazy }, (args) =>
      args.namespace === 'lazy-package' ? undefined : { path: args.path, namespace: 'lazy-package' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({
      contents: [
        'let loaded;',
        `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
        ...LAZY_PACKAGES[args.path].map(
          (name) => `export function ${name}(...args) { return load().${name}(...args); }`,
        ),
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/** A source's identity for staleness: its size and modification time. */
function stamp(file) {
  const info = statSync(join(root, file), { throwIfNoEntry: false });
  return info ? `${info.size}:${Math.round(info.mtimeMs)}` : 'missing';
}

/**
 * True when the bundle was built, in this format, from the sources as they are now: one stat per
 * source (198 of them, 4–14 ms), so a change in a checkout takes effect at its next run.
 */
export function cliBundleFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(CLI_MANIFEST, 'utf8'));
  } catch {
    return false;
  }
  return manifestFresh(manifest) && statSync(CLI_BUNDLE, { throwIfNoEntry: false }) !== undefined;
}

/** Whether a bundle's list of sources (out/cli/inputs.json) matches the sources as they are now. */
export function manifestFresh(manifest) {
  if (manifest?.format !== FORMAT || typeof manifest.inputs !== 'object') return false;
  for (const [file, seen] of Object.entries(manifest.inputs)) if (stamp(file) !== seen) return false;
  return true;
}

/**
 * Builds the bundle and its list of sources. Each file is written under a temporary name and
 * renamed, bundle first: several runs at once may rebuild, and none ever loads half a file or a
 * bundle older than the list that says it is fresh.
 */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['electron/cli/run.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    plugins: [bundleWorkspaces, packagePlugin],
    // `import()` becomes a `require` (keytar, the one package loaded so, is CommonJS): the code cache
    // (bin/codeCache.mjs) runs the bundle through vm.Script, and on Node 20 a function restored from
    // a code cache loses its script's dynamic-import callback ("A dynamic import callback was not
    // specified"); the callback that would serve it, vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    // is experimental there and warns on stderr.
    supported: { 'dynamic-import': false },
    logOverride: { 'import-is-undefined': 'error' },
    // import.meta has no meaning in CommonJS; the two uses (a createRequire for ssh2's internals,
    // finding package.json) need only this file's own address.
    define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const inputs = {
    'scripts/cliBundle.mjs': stamp('scripts/cliBundle.mjs'),
    'scripts/bundleWorkspaces.mjs': stamp('scripts/bundleWorkspaces.mjs'),
  };
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = relative(root, resolve(root, input));
    if (!file.startsWith('node_modules')) inputs[file] = stamp(file);
  }
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  writeFileSync(CLI_BUNDLE + suffix, result.outputFiles[0].contents);
  renameSync(CLI_BUNDLE + suffix, CLI_BUNDLE);
  const manifest = { format: FORMAT, inputs };
  writeFileSync(CLI_MANIFEST + suffix, JSON.stringify(manifest));
  renameSync(CLI_MANIFEST + suffix, CLI_MANIFEST);
  return CLI_BUNDLE;
}

/**
 * The bundle to run: the built one when fresh, else a new build; null when it cannot be built
 * (esbuild is a development dependency an install may lack), and the caller runs the TypeScript.
 */
export async function freshCliBundle() {
  if (cliBundleFresh()) return CLI_BUNDLE;
  try {
    return await buildCliBundle();
  } catch {
    return null;
  }
}

// `npm install` (postinstall) and `npm run build:cli`. An install without esbuild still succeeds:
// bin/enscale-ssh.js then runs the TypeScript through tsx.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    await buildCliBundle();
    process.stdout.write(`Bundled the command line into ${relative(root, CLI_BUNDLE)}\n`);
  } catch (error) {
    process.stderr.write(`Not bundling the command line (${error.message}); it will run through tsx.\n`);
    process.exitCode = process.env.CI ? 1 : 0;
  }
}
