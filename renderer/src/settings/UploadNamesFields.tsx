import { useEffect, useState } from 'react';
import { Label, Switch, Text, TextArea, TextField } from 'react-aria-components';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';

/**
 * How uploads treat this computer's names: NFC on or off, and the skip list, one pattern a line.
 * The list is saved when the field loses focus, so a half-typed pattern never applies.
 */
export function UploadNamesFields(props: {
  transfers: AppSettings['transfers'];
  save: (change: SettingsChange, what: string) => void;
}) {
  const { transfers, save } = props;
  const stored = transfers.uploadSkip.join('\n');
  const [draft, setDraft] = useState(stored);
  // Another window (or the CLI) may change the list: show what is in force when not editing.
  useEffect(() => setDraft(stored), [stored]);
  const commit = () => {
    const uploadSkip = draft
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (uploadSkip.join('\n') === stored) return;
    save({ transfers: { uploadSkip } }, `skip list of ${uploadSkip.length} pattern(s)`);
  };
  return (
    <>
      <Switch
        isSelected={transfers.normalizeUploadNames}
        onChange={(normalizeUploadNames) =>
          save(
            { transfers: { normalizeUploadNames } },
            `names ${normalizeUploadNames ? 'sent in NFC' : 'sent as they are'}`,
          )
        }
      >
        <div className="indicator" /> Send file names in Unicode NFC (macOS spells “café” another way; a Linux
        node would keep both)
      </Switch>
      <TextField className="field" value={draft} onChange={setDraft} onBlur={commit}>
        <Label>Leave out of folder uploads</Label>
        <TextArea rows={6} spellCheck={false} />
        <Text slot="description">
          One name pattern per line (<code>*</code> and <code>?</code> match any characters), such as{' '}
          <code>.DS_Store</code> or <code>._*</code>. A file you pick yourself is always sent.
        </Text>
      </TextField>
    </>
  );
}
