import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A package loaded at its first use instead of when the core's modules load. Every process that
 * hosts the core loads all the modules it is wired from, and one CLI command uses few of them:
 * `enscale-ssh ssh` derives no PuTTY key and starts no editor. Loading Argon2, bcrypt-pbkdf,
 * cross-spawn and picomatch took 15–20 ms of the CLI's start-up (`--cpu-prof`, 2-core machine).
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
