import { useEffect, useState } from 'react';
import { Input, Label, Text, TextField } from 'react-aria-components';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';
import { InlineError } from '../ui/fields.tsx';
import { useSaving } from './useAppSettings.ts';

/**
 * The program "Edit" opens a node's file with. Empty means the system's application for the file's
 * type. Saved when the field is left; the core checks it splits into a program and its arguments.
 */
export function EditorSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const { saved, error, save } = useSaving(props.update);
  const stored = props.settings.editor.command;
  const [draft, setDraft] = useState(stored);
  useEffect(() => setDraft(stored), [stored]);
  const commit = () => {
    const command = draft.trim();
    if (command === stored) return;
    save(
      { editor: { command } },
      command ? `files open with ${command}` : 'files open with the system’s application for their type',
    );
  };
  return (
    <section className="settings-section" aria-labelledby="settings-editor">
      <h3 id="settings-editor">Editor</h3>
      <TextField className="field" value={draft} onChange={setDraft} onBlur={commit}>
        <Label>Editor command</Label>
        <Input spellCheck={false} placeholder="The system’s application for the file’s type" />
        <Text slot="description">
          What “Edit” on a node’s file runs, the file’s path added last: <code>code --wait</code>,{' '}
          <code>subl -w</code>, <code>"C:\Program Files\Notepad++\notepad++.exe" -multiInst</code>. Quote a
          path with spaces. An editor that waits until you close the file (<code>--wait</code>) lets the app
          stop watching it then. Empty: the application your system opens the file’s type with.
        </Text>
      </TextField>
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error} />
    </section>
  );
}
