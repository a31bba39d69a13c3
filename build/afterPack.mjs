// electron-builder's afterPack hook (electron-builder.yml): runs after the app folder is laid out and
// before it is signed, so the mode set here is the one the signature and the notarised .app keep.
// node-pty's spawn-helper must be executable in app.asar.unpacked (node-pty execs it there for every
// local terminal); scripts/spawn-helper.mjs explains why it may not be.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeSpawnHelpersExecutable, spawnHelpers } from '../scripts/spawn-helper.mjs';

/** The packaged app's resources folder: inside the .app bundle on macOS, beside the binary elsewhere. */
export function resourcesDir({ appOutDir, electronPlatformName, packager }) {
  return electronPlatformName === 'darwin' || electronPlatformName === 'mas'
    ? join(appOutDir, `${packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(appOutDir, 'resources');
}

/**
 * Makes the unpacked spawn-helper executable. A macOS package with no spawn-helper fails the build:
 * it would start, and then fail every local tab.
 */
export default async function afterPack(context) {
  const nodePty = join(resourcesDir(context), 'app.asar.unpacked', 'node_modules', 'node-pty');
  const macOS = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  if (macOS && (!existsSync(nodePty) || spawnHelpers(nodePty).length === 0)) {
    throw new Error(
      `afterPack: no node-pty spawn-helper under ${nodePty}; local terminals would not start. ` +
        'Check that electron-builder.yml still unpacks node_modules/node-pty/** from the asar.',
    );
  }
  for (const file of makeSpawnHelpersExecutable(nodePty)) console.log(`afterPack: made ${file} executable`);
}
