/**
 * Whether a link printed by a remote program may be opened: only http and https with a host, never
 * `file:`, `javascript:` or anything else a hostile node could print, never with credentials in it
 * (`https://dashboard.example@evil.test/` dresses one site up as another), never with control
 * characters or spaces, and at most 2048 characters — the rules of the desktop shell's own check
 * (electron/main/policy/externalLinks.ts), which the browser host does not have: there this one is all.
 */
export function safeExternalUrl(text: string): string | undefined {
  if (text.length > 2048) return undefined;
  // The URL parser drops tabs and line breaks and trims spaces: "java\nscript:" would become a scheme.
  if ([...text].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || !url.hostname) return undefined;
  return url.href;
}

/** The modifier keys of the click on a link (a MouseEvent has them). */
export interface LinkClick {
  ctrlKey: boolean;
  metaKey: boolean;
}

/**
 * The address to open for a click on a link in the terminal, or undefined. Only a deliberate
 * Ctrl+click (Cmd+click on a Mac) opens one: a node decides where links are and what they look like —
 * an OSC 8 link can be any text, or blank cells across the whole screen — so a plain click, the one
 * that focuses the terminal or starts a selection, must never leave the app.
 */
export function linkToOpen(click: LinkClick, text: string): string | undefined {
  if (!click.ctrlKey && !click.metaKey) return undefined;
  return safeExternalUrl(text);
}

/**
 * What the terminal shows while the pointer is on a link: where it really goes (an OSC 8 link's text
 * need not be its address) and how to open it — or that it will not open.
 */
export function linkHint(text: string, mac: boolean): string {
  const url = safeExternalUrl(text);
  if (!url) return 'This link will not open: only http and https links without credentials do.';
  return `${mac ? '⌘' : 'Ctrl'}+click to open ${url}`;
}
