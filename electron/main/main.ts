import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { registerAppScheme, serveApp } from './appProtocol.ts';
import { CoreProcess } from './coreProcess.ts';
import { guardClose, restartOnFailure } from './coreWatch.ts';
import { answerFolderDialogs } from './folderDialog.ts';
import { answerConnect, lockDownWebContents, restrictPermissions } from './hardening.ts';
import { profileDir } from '../core/profileDir.ts';
import { installMenu } from './menu.ts';
import { openLogFile } from './policy/logFile.ts';
import { WindowStateFile } from './policy/windowState.ts';
import { createMainWindow } from './window.ts';

// The desktop app's main process: thin wiring. Bundled by scripts/launch-desktop.mjs into
// out/desktop/main.mjs next to preload.cjs and core-process.mjs; the app's root (the repository
// in development, app.asar when packaged) is two folders up.

const PRODUCT_NAME = 'Enscale SSH';
const here = import.meta.dirname;
const appRoot = resolve(here, '..', '..');
const rendererDir = join(appRoot, 'renderer', 'dist');
const iconFile = join(appRoot, 'build', 'icon.png');

app.setName(PRODUCT_NAME);
// One data folder under the product's name, the one the CLI and browser host resolve too;
// ENSCALE_SSH_PROFILE may choose another for development and tests.
const dataDir = profileDir();
app.setPath('userData', dataDir);
const logsDir = join(dataDir, 'logs');
app.setAppLogsPath(logsDir);
const log = openLogFile(logsDir, 'main.log');

const report = (what: string) => (error: unknown) =>
  log.write('error', `${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
process.on('uncaughtException', report('uncaught exception'));
process.on('unhandledRejection', report('unhandled rejection'));

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the profile (its keys, known_hosts, logs): it shows its window instead.
  app.quit();
} else {
  registerAppScheme();
  lockDownWebContents(app, (url) => void shell.openExternal(url), log);
  log.write('info', `starting ${PRODUCT_NAME} ${app.getVersion()} (Electron ${process.versions.electron})`);

  const core: CoreProcess = new CoreProcess({
    entry: join(here, 'core-process.mjs'),
    dataDir,
    keychainService: process.env.ENSCALE_SSH_KEYCHAIN_SERVICE || undefined,
    // `npm start` (a development build) sets this: the sandbox is the platform on first run.
    sandbox: !app.isPackaged && process.env.ENSCALE_SSH_SANDBOX === '1',
    log,
    // The pages' ports died with it; reloading makes each page ask for a new one (a few times).
    onUnexpectedExit: restartOnFailure((): CoreProcess => core),
  });

  ipcMain.on('enscale:connect', (event) => void answerConnect(event, core, log));
  answerFolderDialogs(log);

  let mainWindow: BrowserWindow | undefined;
  const openWindow = async () => {
    mainWindow = await createMainWindow({
      preload: join(here, 'preload.cjs'),
      icon: existsSync(iconFile) ? iconFile : undefined,
      state: new WindowStateFile(join(dataDir, 'window-state.json')),
      log,
    });
    guardClose(mainWindow, core);
    mainWindow.on('closed', () => (mainWindow = undefined));
  };

  app.on('second-instance', () => {
    if (!mainWindow) return void openWindow().catch(report('window'));
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow().catch(report('window'));
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // The core closes its SSH connections and local shells before the app goes.
    event.preventDefault();
    quitting = true;
    core
      .stop()
      .catch(report('core stop'))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      restrictPermissions(session.defaultSession, log);
      serveApp(rendererDir);
      installMenu({ platform: process.platform, appName: PRODUCT_NAME, devTools: !app.isPackaged }, logsDir);
      await openWindow();
    })
    .catch((error: unknown) => {
      report('start')(error);
      app.exit(1);
    });
}
