import { APP_ORIGIN } from './policy/appUrl.ts';
import { externalUrl } from './policy/externalLinks.ts';
import { isPermissionGranted } from './policy/permissions.ts';
import { isTrustedSender } from './policy/sender.ts';
import type { LogFile } from './policy/logFile.ts';

/*
 * The main process's safeguards, as functions of the few Electron objects they touch. The shapes
 * below are the parts of Electron's `Session`, `App`, `WebContents` and `IpcMainEvent` used here, so
 * main.ts passes the real ones and test/electron/hardening.test.ts passes plain emitters: Electron
 * cannot run on the development machines, and each safeguard is proven by behaviour, not by text.
 */

interface Preventable {
  preventDefault(): void;
}
type PermissionDetails = { requestingUrl?: string; isMainFrame: boolean };

/** The part of Electron's `Session` that decides permissions and downloads. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionDetails & { requestingUrl: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (
      contents: unknown,
      permission: string,
      requestingOrigin: string,
      details: PermissionDetails,
    ) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  on(event: 'will-download', listener: (event: Preventable) => void): void;
}

/**
 * Every permission (camera, notifications, geolocation, devices…) is refused, but the clipboard for
 * the app's own page (`policy/permissions.ts`).
 */
export function restrictPermissions(session: PermissionSession, log: LogFile): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isPermissionGranted(permission, {
      url: details.requestingUrl,
      isMainFrame: details.isMainFrame,
    });
    if (!granted) log.write('warn', `permission request refused: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, {
      url: details.requestingUrl ?? requestingOrigin,
      isMainFrame: details.isMainFrame,
    }),
  );
  // No USB, HID or serial device for any page.
  session.setDevicePermissionHandler(() => false);
  // Downloads are the core's business (SFTP); the page starts none.
  session.on('will-download', (event) => event.preventDefault());
}

/** The part of Electron's `WebContents` that navigates and opens windows. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: Preventable & { url: string }) => void,
  ): void;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The part of Electron's `App` that announces every new web contents. */
export interface ContentsSource {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): void;
}

/** Opens an http(s) link in the OS browser after validation; everything else stays closed. */
function openOutside(url: string, openExternal: (url: string) => void, log: LogFile): void {
  const safe = externalUrl(url);
  if (safe) openExternal(safe);
  else log.write('warn', `refused to open ${JSON.stringify(url.slice(0, 200))}`);
}

/**
 * For every web contents the app ever creates: no navigation away from the app, no new windows (a
 * link with target=_blank goes to the browser when it is http(s)), no <webview>.
 */
export function lockDownWebContents(
  app: ContentsSource,
  openExternal: (url: string) => void,
  log: LogFile,
): void {
  app.on('web-contents-created', (_event, contents) => {
    // Reloads and in-page (history API) navigation do not pass here; every other navigation would
    // leave the app's origin or lose the page's state, so none happens.
    contents.on('will-navigate', (event) => {
      event.preventDefault();
      openOutside(event.url, openExternal, log);
    });
    contents.on('will-redirect', (event) => {
      if (!event.url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url, openExternal, log);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** What main knows of an `enscale:connect` message (Electron's `IpcMainEvent`). */
export interface ConnectRequest<Sender> {
  senderFrame: { url: string; parent: unknown } | null;
  sender: Sender;
}

/**
 * Hands the core's port to the page that asked, only when it is the app's own page in a window's
 * main frame (`policy/sender.ts`); any other frame is refused and logged. Returns whether it did.
 */
export function answerConnect<Sender>(
  request: ConnectRequest<Sender>,
  core: { connect(sender: Sender): void },
  log: LogFile,
): boolean {
  const frame = request.senderFrame;
  if (!isTrustedSender(frame && { url: frame.url, isMainFrame: frame.parent === null })) {
    log.write('warn', `refused a core connection from ${frame?.url ?? 'a frame that is gone'}`);
    return false;
  }
  core.connect(request.sender);
  return true;
}
