import { BrowserWindow, screen } from 'electron';
import { APP_ENTRY } from './policy/appUrl.ts';
import type { LogFile } from './policy/logFile.ts';
import { secureWebPreferences } from './policy/webPreferences.ts';
import { fitToDisplays, MIN_HEIGHT, MIN_WIDTH, type WindowStateFile } from './policy/windowState.ts';

export interface MainWindowOptions {
  preload: string;
  icon: string | undefined;
  state: WindowStateFile;
  log: LogFile;
}

const SAVE_DELAY_MS = 500;

/** The app's window where it was last time, remembering its bounds as they change. */
export async function createMainWindow({
  preload,
  icon,
  state,
  log,
}: MainWindowOptions): Promise<BrowserWindow> {
  const saved = fitToDisplays(
    await state.load(),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Enscale SSH',
    show: false,
    backgroundColor: '#1e1e1e',
    ...(icon ? { icon } : {}),
    webPreferences: secureWebPreferences(preload),
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    const bounds = window.isMaximized() ? window.getNormalBounds() : window.getBounds();
    state.save({ ...bounds, maximized: window.isMaximized() }).catch((error: unknown) => {
      log.write('warn', `window state not saved: ${String(error)}`);
    });
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', save);

  window.webContents.on('render-process-gone', (_event, details) => {
    log.write('error', `renderer gone: ${details.reason} (${details.exitCode})`);
  });
  await window.loadURL(APP_ENTRY);
  return window;
}
