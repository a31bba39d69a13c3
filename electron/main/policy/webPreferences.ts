/**
 * A window's web preferences, by the Electron security checklist: the page runs sandboxed and
 * isolated from the preload, without Node, with the same-origin policy, without <webview>, and
 * without experimental or insecure content. `main.ts` hands this to `BrowserWindow`, so the
 * compiler checks it against Electron's own `WebPreferences`.
 */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}
