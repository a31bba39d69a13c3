import { BrowserWindow, dialog, ipcMain } from 'electron';
import { chosenFolder, folderDialogFor, FOLDER_CHANNEL } from './policy/folderDialog.ts';
import type { LogFile } from './policy/logFile.ts';

/**
 * Answers the page's "Choose…" with the OS's folder dialog, attached to the page's window
 * (`policy/folderDialog.ts` decides who may ask and what is shown). Null when cancelled or refused.
 */
export function answerFolderDialogs(log: LogFile): void {
  ipcMain.handle(FOLDER_CHANNEL, async (event, request: unknown) => {
    const frame = event.senderFrame;
    const decided = folderDialogFor(frame && { url: frame.url, isMainFrame: frame.parent === null }, request);
    if ('refused' in decided) {
      log.write('warn', `refused ${decided.refused}`);
      return null;
    }
    const window = BrowserWindow.fromWebContents(event.sender);
    const result = window
      ? await dialog.showOpenDialog(window, decided.options)
      : await dialog.showOpenDialog(decided.options);
    return chosenFolder(result);
  });
}
