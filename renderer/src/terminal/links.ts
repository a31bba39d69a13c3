/**
 * Whether a link printed by a remote program may be opened: only http and https, never `file:`,
 * `javascript:` or anything else a hostile node could print, and never with credentials in it.
 */
export function safeExternalUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  return url.href;
}
