import { useEffect, useRef } from 'react';
import { keyboardPlatform, type KeyboardPlatform } from '../app/keyboardPlatform.ts';
import type { TabAction, TabList } from '../tabs/tabList.ts';
import { shortcutFor } from './shortcuts.ts';

/** The workbench's keys (see `shortcutFor`), caught before the terminal under focus sees them. */
export function useShortcuts(
  tabs: TabList,
  dispatch: (action: TabAction) => void,
  openLocal: () => void,
  platform: KeyboardPlatform = keyboardPlatform(),
): void {
  const latest = useRef({ tabs, openLocal });
  latest.current = { tabs, openLocal };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const shortcut = shortcutFor(event, platform, latest.current.tabs);
      if (!shortcut) return;
      if (shortcut.type === 'openLocal') latest.current.openLocal();
      else dispatch(shortcut);
      // The terminal under focus must not also act on it (Ctrl+Tab would type a tab).
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [dispatch, platform]);
}
