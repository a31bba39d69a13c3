import { Input, Label, NumberField, Radio, RadioGroup, Text } from 'react-aria-components';
import { TRANSFER_CONCURRENCY, type AppSettings, type SettingsChange } from '../../../shared/src/settings.ts';
import type { ConflictPolicy } from '../../../shared/src/transfers.ts';
import { InlineError } from '../ui/fields.tsx';
import { UploadNamesFields } from './UploadNamesFields.tsx';
import { useSaving } from './useAppSettings.ts';

const POLICY_WORDS: Record<ConflictPolicy, string> = {
  ask: 'ask each time',
  overwrite: 'overwrite',
  skip: 'skip',
  keepBoth: 'keep both',
};

/** Transfers: how many files at once, and what a new transfer does when its destination exists. */
export function TransfersSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const { saved, error, save } = useSaving(props.update);
  const { transfers } = props.settings;
  return (
    <section className="settings-section" aria-labelledby="settings-transfers">
      <h3 id="settings-transfers">Transfers</h3>
      <NumberField
        className="field narrow"
        value={transfers.concurrency}
        minValue={TRANSFER_CONCURRENCY.min}
        maxValue={TRANSFER_CONCURRENCY.max}
        onChange={(concurrency) =>
          Number.isFinite(concurrency) && save({ transfers: { concurrency } }, `${concurrency} files at once`)
        }
      >
        <Label>Files copied at once</Label>
        <Input />
        <Text slot="description">
          From {TRANSFER_CONCURRENCY.min} to {TRANSFER_CONCURRENCY.max}, applied at once, to queued files too.
          More helps with many small files; one large file goes no faster.
        </Text>
      </NumberField>
      <RadioGroup
        value={transfers.conflict}
        onChange={(value) => {
          const conflict = value as ConflictPolicy;
          save({ transfers: { conflict } }, `when a file exists, ${POLICY_WORDS[conflict]}`);
        }}
        orientation="horizontal"
        className="inline-choices"
      >
        <Label>When a file already exists</Label>
        <Radio value="ask">Ask each time</Radio>
        <Radio value="overwrite">Overwrite</Radio>
        <Radio value="skip">Skip</Radio>
        <Radio value="keepBoth">Keep both</Radio>
      </RadioGroup>
      <p className="hint muted">
        Keep both gives the new file a number, as in <code>report (1).pdf</code>.
      </p>
      <UploadNamesFields transfers={transfers} save={save} />
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error} />
    </section>
  );
}
