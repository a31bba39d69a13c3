import { app, BrowserWindow, dialog } from 'electron';
import type { CoreProcess } from './coreProcess.ts';
import { closeQuestion } from './policy/closeWindow.ts';
import { CoreRestarts } from './policy/coreRestarts.ts';

/**
 * A core that stopped unexpectedly: the pages reload and so reconnect to a fresh one, unless it
 * keeps failing (`CoreRestarts`); then the window says why, from the core's last error lines, and
 * offers Retry instead of reloading for ever.
 */
export function restartOnFailure(core: () => CoreProcess): (code: number) => void {
  const restarts = new CoreRestarts();
  const reloadAll = () => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.reload();
  };
  return (code) => {
    if (restarts.failed() === 'restart') return reloadAll();
    const [window] = BrowserWindow.getAllWindows();
    const options = {
      type: 'error' as const,
      message: `The app’s core stopped ${code === 0 ? '' : `with status ${code} `}several times in a minute, so it is not restarted again.`,
      detail: `Its last error lines (also in the log, Help › Open logs folder):\n\n${core().errors.text() || '(none)'}`,
      buttons: ['Retry', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options)).then(
      ({ response }) => {
        if (response !== 0) return app.quit();
        restarts.reset();
        reloadAll();
      },
    );
  };
}

/**
 * Asks before a window closes over open shells and transfers, and ends them when it does close (on
 * macOS the app lives on without a window, and nothing could reach them again).
 */
export function guardClose(window: BrowserWindow, core: CoreProcess): void {
  let confirmed = false;
  window.on('close', (event) => {
    if (confirmed) return;
    event.preventDefault();
    void core.activity().then((open) => {
      const question = closeQuestion(open);
      if (question && !window.isDestroyed()) {
        const answer = dialog.showMessageBoxSync(window, {
          type: 'question',
          ...question,
          buttons: ['Close', 'Cancel'],
          defaultId: 1,
          cancelId: 1,
        });
        if (answer !== 0) return;
      }
      confirmed = true;
      if (process.platform === 'darwin' && open) void core.stop();
      if (!window.isDestroyed()) window.close();
    });
  });
}
