#!/usr/bin/env node
// The command line over the app's core. Runs the bundle in out/cli (scripts/cliBundle.mjs), rebuilt
// here when a source changed since it was built, so a change still needs no build step; without
// esbuild (an install without development dependencies) it runs the TypeScript through tsx, as
// ENSCALE_SSH_CLI_TSX=1 does on purpose.
import module, { createRequire } from 'node:module';
import { freshCliBundle } from '../scripts/cliBundle.mjs';

// Node 22.1 and later keep V8's compiled code between runs (the bundle, ssh2); Node 20 has no such cache.
module.enableCompileCache?.();
const argv = process.argv.slice(2);
const bundle = process.env.ENSCALE_SSH_CLI_TSX === '1' ? null : await freshCliBundle();
if (bundle) {
  await createRequire(import.meta.url)(bundle).run(argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../electron/cli/run.ts');
  await run(argv);
}
