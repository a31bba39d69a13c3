import { isTrustedSender } from './sender.ts';

/**
 * The only permissions the window ever gets: the clipboard, for PuTTY's habits (copy on select,
 * right-click paste) and "Copy ssh command". Only the app's own page in a window's main frame gets
 * them; the page reads the clipboard only on the user's paste gesture, and what a remote program
 * prints cannot reach it (OSC 52 clipboard writes are not handled). Everything else is refused.
 */
const CLIPBOARD = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export function isPermissionGranted(
  permission: string,
  requester: { url: string; isMainFrame: boolean } | null | undefined,
): boolean {
  return CLIPBOARD.has(permission) && isTrustedSender(requester);
}
