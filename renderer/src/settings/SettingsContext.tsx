import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SettingsStore, TerminalSettings } from './Settings.ts';

export const SettingsContext = createContext<SettingsStore | null>(null);

export function useSettingsStore(): SettingsStore {
  const store = useContext(SettingsContext);
  if (!store) throw new Error('useSettingsStore outside <SettingsContext>');
  return store;
}

export function useSettings(): TerminalSettings {
  const store = useSettingsStore();
  return useSyncExternalStore(store.subscribe, store.get);
}

/** The light or dark scheme in force: the setting, or the OS's when it says "system". */
export function useColorScheme(theme: TerminalSettings['theme']): 'light' | 'dark' {
  const query = '(prefers-color-scheme: dark)';
  const osDark = useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
  if (theme === 'system') return osDark ? 'dark' : 'light';
  return theme;
}
