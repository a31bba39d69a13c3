import { useRef, useState, type ReactNode } from 'react';
import type { FolderKind } from '../../../shared/src/settings.ts';
import { useHost } from '../host/HostContext.tsx';
import type { Separator } from './destinationPath.ts';
import { FolderChooser } from './FolderChooser.tsx';

const TITLES: Record<FolderKind, string> = {
  download: 'Choose the folder to download into',
  sqlExport: 'Choose a folder for the SQL export',
  keyExport: 'Choose a folder for the private key',
  sessionLogs: 'Choose the folder for session logs',
};

/** A folder chosen, with the separator of the computer it is on (to join a file name to it). */
export interface ChosenFolder {
  path: string;
  separator: Separator;
}

/**
 * "Choose…" for a destination of `kind`: the desktop's own folder dialog, or in a browser the page's
 * chooser over the core's folders. Either opens at the folder nearest to what the field holds, else
 * the last folder chosen for the kind, else Downloads (`localFolders.start`), and the folder chosen
 * becomes the kind's remembered one. `chooser` is the in-page dialog while it is open: render it.
 */
export function useDestinationPicker(kind: FolderKind): {
  choose: (near?: string) => Promise<ChosenFolder | null>;
  chooser: ReactNode;
} {
  const host = useHost();
  const { core } = host;
  const [asking, setAsking] = useState<{ start: string; answer: (path: string | null) => void }>();
  const busy = useRef(false);

  const choose = async (near?: string): Promise<ChosenFolder | null> => {
    // A second press while a dialog is up would stack another.
    if (busy.current) return null;
    busy.current = true;
    try {
      const start = await core.localFolders.start(kind, near?.trim() || undefined);
      const path = host.chooseFolder
        ? await host.chooseFolder({ kind, defaultPath: start.path })
        : await new Promise<string | null>((answer) => setAsking({ start: start.path, answer }));
      if (!path) return null;
      await rememberFolder(core, kind, path);
      return { path, separator: start.separator };
    } finally {
      busy.current = false;
      setAsking(undefined);
    }
  };

  const chooser = asking && (
    <FolderChooser
      title={TITLES[kind]}
      start={asking.start}
      onChoose={(path) => asking.answer(path)}
      onCancel={() => asking.answer(null)}
    />
  );
  return { choose, chooser };
}

/**
 * Keeps `folder` as the kind's last folder (the `folders` setting), for the next chooser and the
 * next dialog's suggestion. A failure to save costs only the suggestion, so it is not shown.
 */
export async function rememberFolder(
  core: ReturnType<typeof useHost>['core'],
  kind: FolderKind,
  folder: string,
): Promise<void> {
  if (!folder.trim()) return;
  await core.settings.update({ folders: { [kind]: folder.trim() } }).catch(() => undefined);
}
