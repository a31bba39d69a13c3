/**
 * The address to hand to the OS browser for a link the page tried to open, or null when it must
 * not leave the app: only plain http(s) addresses with a host, and without credentials (which would
 * let a link dress `https://dashboard.example@evil.test/` up as another site). Anything else —
 * `file:`, `javascript:`, `data:`, custom schemes that start local programs — stays closed.
 */
export function externalUrl(candidate: string): string | null {
  if (typeof candidate !== 'string' || candidate.length > 2048) return null;
  // Control characters and spaces are never part of a link a person meant to open.
  if ([...candidate].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}
