import { FOLDER_KINDS, type FolderKind } from '../../../shared/src/settings.ts';
import { isAbsoluteLocalPath } from '../../core/transfers/absoluteLocalPath.ts';
import { currentLocalPlatform } from '../../core/transfers/localNames.ts';
import { isTrustedSender, type SenderFrame } from './sender.ts';

/** The channel the preload asks on (`window.enscaleDesktop.chooseFolder`) and main answers. */
export const FOLDER_CHANNEL = 'enscale:choose-folder';

/** The part of Electron's `OpenDialogOptions` main passes to `dialog.showOpenDialog`. */
export interface FolderDialogOptions {
  title: string;
  buttonLabel: string;
  /** macOS shows it in the dialog, as the title is not. */
  message: string;
  defaultPath?: string;
  properties: ('openDirectory' | 'createDirectory' | 'dontAddToRecent')[];
}

const WORDS: Record<FolderKind, { title: string; message: string }> = {
  download: { title: 'Download to folder', message: 'Choose the folder to download into.' },
  sqlExport: { title: 'Folder for the SQL export', message: 'Choose the folder to save the SQL export in.' },
  keyExport: {
    title: 'Folder for the private key',
    message: 'Choose the folder to save the private key in.',
  },
  sessionLogs: { title: 'Folder for session logs', message: 'Choose the folder terminal logs go to.' },
};

/**
 * The OS folder dialog for a page's request, or why none is shown. Only the app's own page in a
 * window's main frame may ask (`sender.ts`); the request is `{ kind, defaultPath? }` and nothing
 * else, the kind one of FOLDER_KINDS; a start folder that is not a full path (or is absurdly long)
 * is dropped rather than passed to the OS, which would resolve it against main's working folder.
 * `openDirectory` picks folders only; `createDirectory` is macOS's "New Folder" button (Windows and
 * GTK dialogs always have one).
 */
export function folderDialogFor(
  frame: SenderFrame | null | undefined,
  request: unknown,
  platform: string = process.platform,
): { options: FolderDialogOptions } | { refused: string } {
  if (!isTrustedSender(frame))
    return { refused: `a folder dialog asked for by ${frame?.url ?? 'a frame that is gone'}` };
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return { refused: 'a folder dialog request that is not an object' };
  const { kind, defaultPath, ...rest } = request as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    return { refused: `a folder dialog request with ${Object.keys(rest).join(', ')}` };
  if (!FOLDER_KINDS.includes(kind as FolderKind))
    return { refused: `a folder dialog for ${JSON.stringify(kind)}` };
  const start =
    typeof defaultPath === 'string' &&
    defaultPath.length <= 4096 &&
    !defaultPath.includes('\u0000') &&
    isAbsoluteLocalPath(defaultPath, currentLocalPlatform(platform))
      ? defaultPath
      : undefined;
  return {
    options: {
      ...WORDS[kind as FolderKind],
      buttonLabel: 'Choose',
      ...(start ? { defaultPath: start } : {}),
      properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
    },
  };
}

/** What the page is answered: the folder chosen, or null when the dialog was cancelled. */
export function chosenFolder(result: { canceled: boolean; filePaths: readonly string[] }): string | null {
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
