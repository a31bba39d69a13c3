/** Whose keyboard conventions apply: the Mac's (Cmd, no right-click paste) or everyone else's. */
export type KeyboardPlatform = 'mac' | 'other';

interface NavigatorLike {
  platform?: string;
  userAgentData?: { platform?: string };
}

/**
 * The platform of the machine the page is shown on — in the browser host that is the user's
 * browser, not the machine the core runs on. Injected into everything that decides by it, so tests
 * choose; outside a browser (unit tests) it is 'other'.
 */
export function keyboardPlatform(nav: NavigatorLike | undefined = globalThis.navigator): KeyboardPlatform {
  const name = nav?.userAgentData?.platform || nav?.platform || '';
  return /mac/i.test(name) ? 'mac' : 'other';
}
