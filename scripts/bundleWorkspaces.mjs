import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/**
 * The repository's own TypeScript packages (workspaces) are bundled like its other sources: a
 * packaged app or the CLI's bundle has no TypeScript loader. esbuild asks plugins before it applies
 * `packages: 'external'`.
 */
export const bundleWorkspaces = {
  name: 'bundle-workspaces',
  setup(build) {
    build.onResolve({ filter: /^@enscale-ssh\/ssh2-internals(\/|$)/ }, (args) => ({
      path: createRequire(join(root, 'package.json')).resolve(args.path),
    }));
  },
};
