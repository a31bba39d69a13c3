import { createRequire } from 'node:module';

/**
 * The one ssh2 release every hack in this package was read against and tested with. Both
 * package.json files pin it exactly; `checkSsh2Internals` refuses any other at start-up.
 */
export const SSH2_VERSION = '1.17.0';

/** A start-up check failed: the app and the gateway must not run on an ssh2 they were not checked against. */
export class Ssh2InternalsError extends Error {
  override readonly name = 'Ssh2InternalsError';
}

/** ssh2 has no `exports` map, so its internal modules can be required by path. */
export const ssh2Require = createRequire(import.meta.url);

/** The version of the ssh2 that `import 'ssh2'` loads from here. */
export function installedSsh2Version(): string {
  return (ssh2Require('ssh2/package.json') as { version: string }).version;
}

export function versionProblem(installed: string): string | undefined {
  if (installed === SSH2_VERSION) return undefined;
  return (
    `ssh2 ${installed} is installed, but Enscale SSH reaches into private fields of ssh2 ${SSH2_VERSION} ` +
    `and was checked against that version only. Run \`npm ci\` to install exactly ssh2 ${SSH2_VERSION}; ` +
    `to move to another version, re-read each hack in packages/ssh2-internals against it, run its tests ` +
    `and change SSH2_VERSION there and in both package.json files.`
  );
}
