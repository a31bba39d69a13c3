import { useEffect, useRef } from 'react';
import type { TabAction, TabList } from '../tabs/tabList.ts';

/**
 * The workbench's keys, with Shift as Tabby and Windows Terminal do so plain Ctrl+letter reaches
 * the shell: Ctrl+Shift+T local shell, Ctrl+Shift+W close, Ctrl+(Shift+)Tab switch,
 * Ctrl+Shift+PageUp/PageDown move the tab.
 */
export function useShortcuts(
  tabs: TabList,
  dispatch: (action: TabAction) => void,
  openLocal: () => void,
): void {
  const latest = useRef({ tabs, openLocal });
  latest.current = { tabs, openLocal };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.ctrlKey || event.altKey || event.metaKey) return;
      const { tabs: current, openLocal: local } = latest.current;
      const active = current.activeId;
      const key = event.key.toUpperCase();
      let handled = true;
      if (key === 'TAB') dispatch({ type: 'step', by: event.shiftKey ? -1 : 1 });
      else if (!event.shiftKey) handled = false;
      else if (key === 'T') local();
      else if (key === 'W' && active) dispatch({ type: 'close', id: active });
      else if ((key === 'PAGEUP' || key === 'PAGEDOWN') && active) {
        const index = current.tabs.findIndex((t) => t.id === active);
        dispatch({ type: 'move', id: active, toIndex: index + (key === 'PAGEUP' ? -1 : 1) });
      } else handled = false;
      if (!handled) return;
      // The terminal under focus must not also act on it (Ctrl+Tab would type a tab).
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [dispatch]);
}
