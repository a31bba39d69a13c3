import { contextBridge, ipcRenderer, webUtils } from 'electron';

// The sandboxed preload: no Node, only this small bridge. The page asks for a port to the core;
// main checks who asks, starts the core if need be and sends one end of a fresh MessageChannelMain
// here; the preload hands the port to the page with window.postMessage. The page builds the typed
// client from shared/ on it itself, `createCoreClient(messagePortChannel(port))`, so typed errors
// keep their classes and bytes stay bytes (contextBridge would copy both into plain objects).

/** Main → preload: one end of the channel to the core. Page ← preload: the same port. */
const PORT_CHANNEL = 'enscale:port';
/** Preload → main: this page wants a (new) connection to the core. */
const CONNECT_CHANNEL = 'enscale:connect';
/** Preload → main, answered: the OS's folder dialog (main's policy/folderDialog.ts). */
const FOLDER_CHANNEL = 'enscale:choose-folder';

ipcRenderer.on(PORT_CHANNEL, (event) => {
  const [port] = event.ports;
  // '/' posts to this window's own origin only, whatever that turns out to be.
  if (port) window.postMessage(PORT_CHANNEL, '/', [port]);
});

/** `window.enscaleDesktop`: all the page gets from the desktop shell. No private key ever passes here. */
const bridge = {
  /** Asks for a port to the core; it arrives as a `message` event whose data is 'enscale:port'. */
  connect(): void {
    ipcRenderer.send(CONNECT_CHANNEL);
  },
  /** The local path of a file dropped on or picked in the page, for uploads read from disk by the core. */
  getPathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
  /**
   * The OS's folder dialog for a destination of `kind` (download, sqlExport, keyExport), opening at
   * `defaultPath`: the folder chosen, or null when cancelled. Only these two fields reach main.
   */
  chooseFolder(request: { kind: string; defaultPath?: string }): Promise<string | null> {
    const { kind, defaultPath } = request;
    return ipcRenderer.invoke(FOLDER_CHANNEL, {
      kind,
      ...(defaultPath === undefined ? {} : { defaultPath }),
    }) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('enscaleDesktop', bridge);
