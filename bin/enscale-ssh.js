#!/usr/bin/env node
// The command line over the app's core. Runs the bundle in out/cli (scripts/cliBundle.mjs), rebuilt
// here when a source changed since it was built, so a change still needs no build step; without
// esbuild (an install without development dependencies) it runs the TypeScript through tsx, as
// ENSCALE_SSH_CLI_TSX=1 does on purpose.
import module, { createRequire } from 'node:module';
import { freshCliBundle } from '../scripts/cliBundle.mjs';
import { loadWithCodeCache } from './codeCache.mjs';

const argv = process.argv.slice(2);
/**
 * The command's first word, for the code cache only: the first argument that is neither an option
 * nor the value of one of the two global options that take one.
 */
const commandWord = () =>
  argv.find((arg, i) => !arg.startsWith('-') && !['--profile', '--identity'].includes(argv[i - 1] ?? ''));

// Node 22.1 and later keep V8's compiled code between runs themselves; on Node 20, codeCache.mjs does.
const nodeCache = typeof module.enableCompileCache === 'function';
if (nodeCache) module.enableCompileCache();
const bundle = process.env.ENSCALE_SSH_CLI_TSX === '1' ? null : await freshCliBundle();
if (bundle) {
  const cli = nodeCache
    ? createRequire(import.meta.url)(bundle)
    : loadWithCodeCache(bundle, commandWord()).exports;
  await cli.run(argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../electron/cli/run.ts');
  await run(argv);
}
