import { Input, Label, NumberField, Text } from 'react-aria-components';
import { KEEPALIVE_SECONDS, type AppSettings, type SettingsChange } from '../../../shared/src/settings.ts';
import { InlineError } from '../ui/fields.tsx';
import { useSaving } from './useAppSettings.ts';

/** Connection: the keepalive of gateway connections. */
export function ConnectionSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const { saved, error, save } = useSaving(props.update);
  return (
    <section className="settings-section" aria-labelledby="settings-connection">
      <h3 id="settings-connection">Connection</h3>
      <NumberField
        className="field narrow"
        value={props.settings.connection.keepaliveSeconds}
        minValue={KEEPALIVE_SECONDS.min}
        maxValue={KEEPALIVE_SECONDS.max}
        onChange={(keepaliveSeconds) =>
          Number.isFinite(keepaliveSeconds) &&
          save({ connection: { keepaliveSeconds } }, `keepalive every ${keepaliveSeconds} s`)
        }
      >
        <Label>Keepalive interval (seconds)</Label>
        <Input />
        <Text slot="description">
          How often a quiet connection to the gateway is checked; after three unanswered checks it is
          reconnected. Shorter keeps connections open through strict firewalls. Applies to new connections.
        </Text>
      </NumberField>
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error} />
    </section>
  );
}
