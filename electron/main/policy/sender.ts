import { APP_ORIGIN } from './appUrl.ts';

/** What main knows of the frame that sent an IPC message (Electron's `event.senderFrame`). */
export interface SenderFrame {
  url: string;
  /** Whether it is the window's top frame rather than an iframe inside it. */
  isMainFrame: boolean;
}

/**
 * Whether an IPC message may be acted on: it comes from the app's own page (`app://enscale/…`) in
 * a window's main frame. A frame that has gone away (null), a subframe, or any other origin — a
 * page navigated elsewhere, `file:`, `devtools:` — is ignored.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame || frame.isMainFrame !== true || typeof frame.url !== 'string') return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return `${url.protocol}//${url.host}` === APP_ORIGIN && url.username === '' && url.password === '';
}
