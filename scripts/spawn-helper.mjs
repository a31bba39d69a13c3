// node-pty 1.1.0 ships its macOS `spawn-helper` prebuilds with mode 0644 (microsoft/node-pty#850):
// node-pty execs that file for every local terminal, so each tab fails with `posix_spawnp failed`.
// `npm install` runs this file (package.json's postinstall) to set the execute bits, and
// build/afterPack.mjs calls `makeSpawnHelpersExecutable` on the copy unpacked into the app, so a
// package built from an install that skipped scripts is right too. It runs on every OS: a Windows or
// Linux install that is later packaged for macOS, or copied to one, needs the bits as well.
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every `spawn-helper` under a node-pty folder: the macOS prebuilds and a build from source. */
export function spawnHelpers(nodePtyDir) {
  const prebuilds = join(nodePtyDir, 'prebuilds');
  const found = existsSync(prebuilds)
    ? readdirSync(prebuilds)
        .filter((name) => name.startsWith('darwin-'))
        .map((name) => join(prebuilds, name, 'spawn-helper'))
    : [];
  found.push(join(nodePtyDir, 'build', 'Release', 'spawn-helper'));
  return found.filter((file) => existsSync(file));
}

/**
 * Sets mode 0755 on each spawn-helper under `nodePtyDir` that lacks an execute bit; returns the
 * files it changed. Idempotent, and a folder with none (Windows and Linux installs of a future
 * node-pty, or no node-pty at all) changes nothing.
 */
export function makeSpawnHelpersExecutable(nodePtyDir) {
  const changed = [];
  for (const file of spawnHelpers(nodePtyDir)) {
    if ((statSync(file).mode & 0o111) === 0o111) continue;
    chmodSync(file, 0o755);
    changed.push(file);
  }
  return changed;
}

/** node-pty's folder as this package resolves it, or null when it is not installed. */
function installedNodePty(root) {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('node-pty/package.json'));
  } catch {
    return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Never fails the install: a missing node-pty is reported by whatever loads it, not by npm ci.
  try {
    // The package root is this script's parent; a test passes another root as the first argument.
    const nodePty = installedNodePty(resolve(process.argv[2] ?? join(import.meta.dirname, '..')));
    const changed = nodePty ? makeSpawnHelpersExecutable(nodePty) : [];
    for (const file of changed) console.log(`postinstall: made ${file} executable (microsoft/node-pty#850)`);
  } catch (error) {
    console.warn(`postinstall: could not make node-pty's spawn-helper executable: ${error}`);
  }
}
