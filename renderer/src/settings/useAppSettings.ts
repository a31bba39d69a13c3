import { useCallback, useEffect, useState } from 'react';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';

/**
 * The settings the core keeps (transfers, keepalive): loaded once, kept in step with changes made
 * elsewhere (another window, the CLI) through the core's `changed` event, and changed through it.
 */
export function useAppSettings() {
  const core = useCore();
  const [settings, setSettings] = useState<AppSettings>();
  const [loadError, setLoadError] = useState<string>();

  const load = useCallback(() => {
    setLoadError(undefined);
    core.settings.get().then(setSettings, (e: unknown) => setLoadError(errorMessage(e)));
  }, [core]);
  useEffect(load, [load]);
  useCoreEvent(core.settings.events, 'changed', setSettings);

  /**
   * Applies a change: shown at once (a radio button must not wait for the core to look chosen),
   * then the core's answer, which may clamp a number. A refused change puts back what the core has.
   */
  const update = useCallback(
    async (change: SettingsChange) => {
      setSettings(
        (current) =>
          current && {
            transfers: { ...current.transfers, ...change.transfers },
            connection: { ...current.connection, ...change.connection },
            terminal: { ...current.terminal, ...change.terminal },
            editor: { ...current.editor, ...change.editor },
            folders: { ...current.folders, ...change.folders },
            agent: { ...current.agent, ...change.agent },
          },
      );
      try {
        const next = await core.settings.update(change);
        setSettings(next);
        return next;
      } catch (error) {
        load();
        throw error;
      }
    },
    [core, load],
  );

  return { settings, loadError, reload: load, update };
}

/** One section's save state: a short "Saved" or the reason it was not, next to its fields. */
export function useSaving(update: (change: SettingsChange) => Promise<AppSettings>) {
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();
  const save = (change: SettingsChange, what: string) => {
    setError(undefined);
    setSaved(undefined);
    update(change).then(
      () => setSaved(`Saved: ${what}.`),
      (e: unknown) => setError(`${errorMessage(e)} Your change was not saved; try again.`),
    );
  };
  return { saved, error, save };
}
