/** Where a tab keeps its token once it is out of the URL: per tab, gone when the tab closes. */
const STORED = 'enscale.hostToken';

/** The parts of a page the token passes through, so a test can hand in a real one. */
export interface TokenPage {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * Reads the browser host's token and takes it out of the address bar at once: a URL with the token
 * stays in history, in the address bar for anyone looking over a shoulder, and in whatever the user
 * copies from it. The tab keeps it in sessionStorage, so reloading that tab still connects, while a
 * new tab needs the printed URL again.
 */
export function takePageToken(page: TokenPage): string {
  const url = new URL(page.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl === null) return page.sessionStorage.getItem(STORED) ?? '';
  page.sessionStorage.setItem(STORED, fromUrl);
  url.searchParams.delete('token');
  page.history.replaceState(page.history.state, '', url.href);
  return fromUrl;
}
