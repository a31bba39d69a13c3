import { checkSsh2Internals } from '@enscale-ssh/ssh2-internals';
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

let loaded: typeof Ssh2 | undefined;

/**
 * ssh2, loaded at its first use rather than when the core's modules load. Loading it takes about
 * 40 ms, a sixth of a CLI command's start-up, and `enscale-ssh envs` or `--help` never connect.
 * Before it is first handed out, the check that ssh2's private fields are where
 * packages/ssh2-internals expects them (the exact version, the prototypes) runs: another ssh2
 * fails here, naming the version expected, before anything connects.
 */
export function ssh2(): typeof Ssh2 {
  if (!loaded) {
    checkSsh2Internals();
    loaded = createRequire(import.meta.url)('ssh2') as typeof Ssh2;
  }
  return loaded;
}
