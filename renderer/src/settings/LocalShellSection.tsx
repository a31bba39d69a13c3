import { useEffect, useState } from 'react';
import { Input, Label, Text, TextField } from 'react-aria-components';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';
import { InlineError } from '../ui/fields.tsx';
import { useSaving } from './useAppSettings.ts';

/**
 * The program local tabs run. Empty means the system's: PowerShell 7, then Windows PowerShell, then
 * cmd on Windows; the login shell elsewhere. Saved when the field is left, and checked by the core.
 */
export function LocalShellSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const { saved, error, save } = useSaving(props.update);
  const stored = props.settings.terminal.localShell;
  const [draft, setDraft] = useState(stored);
  useEffect(() => setDraft(stored), [stored]);
  const commit = () => {
    const localShell = draft.trim();
    if (localShell === stored) return;
    save(
      { terminal: { localShell } },
      localShell ? `local tabs run ${localShell}` : 'local tabs run the system’s shell',
    );
  };
  return (
    <section className="settings-section" aria-labelledby="settings-local-shell">
      <h3 id="settings-local-shell">Local terminals</h3>
      <TextField className="field" value={draft} onChange={setDraft} onBlur={commit}>
        <Label>Shell program</Label>
        <Input spellCheck={false} placeholder="The system’s shell" />
        <Text slot="description">
          A full path, such as <code>/bin/bash</code> or <code>C:\Program Files\Git\bin\bash.exe</code>.
          Empty: PowerShell 7, then Windows PowerShell, then cmd on Windows; your login shell on macOS and
          Linux. New tabs use it.
        </Text>
      </TextField>
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error} />
    </section>
  );
}
