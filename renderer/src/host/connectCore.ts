import { createCoreClient, type CoreContract } from '../../../shared/src/contract.ts';
import type { FolderKind } from '../../../shared/src/settings.ts';
import { connectBrowserCore } from '../../../shared/src/rpc/browserCore.ts';
import { messagePortChannel } from '../../../shared/src/rpc/messagePortChannel.ts';
import type { DroppedEntry, LocalPaths } from './droppedEntries.ts';
import { takePageToken } from './pageToken.ts';
import { stageEntries } from './staging.ts';

/** What the desktop preload exposes (electron/preload/preload.ts); absent in a browser. */
export interface DesktopBridge {
  connect(): void;
  getPathForFile(file: File): string;
  /** The OS's folder dialog: the folder chosen, or null when cancelled. */
  chooseFolder(request: FolderRequest): Promise<string | null>;
}

/** What a destination's "Choose…" asks the desktop shell's folder dialog for. */
export interface FolderRequest {
  kind: FolderKind;
  /** Where it opens: a full path on this computer. */
  defaultPath?: string;
}

declare global {
  interface Window {
    /** The typed core, once connected: the one way the renderer reaches the rest of the app. */
    enscale?: CoreContract;
    enscaleDesktop?: DesktopBridge;
  }
}

/** The page's link to the core, whichever shell hosts it. */
export interface Host {
  readonly kind: 'desktop' | 'browser';
  readonly core: CoreContract;
  /**
   * Where the core finds dropped or picked files and folders. The desktop shell knows their paths;
   * the browser host has the browser stream them to a staging folder first. Either way the renderer
   * never reads their bytes.
   */
  localPaths(
    entries: DroppedEntry[],
    onProgress?: (staged: number, total: number) => void,
  ): Promise<LocalPaths>;
  /**
   * The OS's own folder dialog, on the desktop; absent in a browser, which can name no local folder
   * (the page shows its own chooser over the core's folders, `folders/FolderChooser.tsx`).
   */
  chooseFolder?: (request: FolderRequest) => Promise<string | null>;
  /** Called once if the link to the core ends (the browser host stopped). */
  onLost(listener: (reason: string) => void): void;
}

const PORT_MESSAGE = 'enscale:port';

/** The desktop shell hands the page a MessagePort to the core through the preload. */
function connectDesktop(bridge: DesktopBridge): Promise<Host> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const [port] = event.ports;
      if (event.data !== PORT_MESSAGE || event.origin !== location.origin || !port) return;
      window.removeEventListener('message', onMessage);
      const { core } = createCoreClient(messagePortChannel(port));
      resolve({
        kind: 'desktop',
        core,
        localPaths: async (entries) => {
          const paths = entries.map((entry) => {
            const file = entry.file ?? entry.files[0]?.file;
            const path = file ? bridge.getPathForFile(file) : '';
            if (!path)
              throw new Error(`The path of ${entry.name} is not known: drop it from the file manager.`);
            // A folder picked through its files: the folder is the first file's path minus its inside.
            const inside = entry.file
              ? ''
              : (entry.files[0]?.relativePath.split('/').slice(1).join('/') ?? '');
            return inside ? path.slice(0, path.length - inside.length - 1) : path;
          });
          return { paths, release: () => undefined };
        },
        chooseFolder: (request) => bridge.chooseFolder(request),
        // Main reloads the page when the core process restarts; nothing to watch here.
        onLost: () => undefined,
      });
    };
    window.addEventListener('message', onMessage);
    bridge.connect();
  });
}

/** The browser host serves the page with a token in its URL and the core on a WebSocket beside it. */
async function connectBrowser(): Promise<Host> {
  const token = takePageToken(window);
  let lost: ((reason: string) => void) | undefined;
  let lostReason: string | undefined;
  const core = await connectBrowserCore(`ws://${location.host}/rpc`, token, {
    onClose: () => {
      lostReason = 'The app core stopped (the browser host is no longer running). Start it again and reload.';
      lost?.(lostReason);
    },
  });
  return {
    kind: 'browser',
    core,
    localPaths: (entries, onProgress) => stageEntries(token, entries, onProgress),
    onLost(listener) {
      lost = listener;
      if (lostReason) listener(lostReason);
    },
  };
}

/** Connects to the core and makes it `window.enscale`. */
export async function connectCore(): Promise<Host> {
  const host = window.enscaleDesktop ? await connectDesktop(window.enscaleDesktop) : await connectBrowser();
  window.enscale = host.core;
  return host;
}
