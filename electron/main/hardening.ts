import { app, shell, type Session, type WebContents } from 'electron';
import { APP_ORIGIN } from './policy/appUrl.ts';
import { externalUrl } from './policy/externalLinks.ts';
import { isPermissionGranted } from './policy/permissions.ts';
import type { LogFile } from './policy/logFile.ts';

/**
 * Every permission (camera, notifications, geolocation, devices…) is refused, but the clipboard for
 * the app's own page (`policy/permissions.ts`).
 */
export function restrictPermissions(session: Session, log: LogFile): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
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
  session.setDevicePermissionHandler(() => false);
  // Downloads are the core's business (SFTP); the page starts none.
  session.on('will-download', (event) => event.preventDefault());
}

/** Opens an http(s) link in the OS browser after validation; everything else stays closed. */
function openOutside(url: string, log: LogFile): void {
  const safe = externalUrl(url);
  if (safe) void shell.openExternal(safe);
  else log.write('warn', `refused to open ${JSON.stringify(url.slice(0, 200))}`);
}

/**
 * For every web contents the app ever creates: no navigation away from the app, no new windows (a
 * link with target=_blank goes to the browser when it is http(s)), no <webview>.
 */
export function lockDownWebContents(log: LogFile): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    // Reloads and in-page (history API) navigation do not pass here; every other navigation would
    // leave the app's origin or lose the page's state, so none happens.
    contents.on('will-navigate', (event) => {
      event.preventDefault();
      openOutside(event.url, log);
    });
    contents.on('will-redirect', (event) => {
      if (!event.url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url, log);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
