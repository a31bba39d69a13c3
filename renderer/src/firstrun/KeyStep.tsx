import { useState } from 'react';
import {
  Button,
  Form,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  ProgressBar,
  Select,
  SelectValue,
} from 'react-aria-components';
import type { KeyInfo, RsaBits } from '../../../shared/src/keys.ts';
import { errorMessage } from '../app/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';

const SIZES: RsaBits[] = [4096, 3072, 2048];

const defaultName = () => `Enscale SSH ${new Date().toISOString().slice(0, 10)}`;

/** Step 3: a key for the gateway — the newest one on this device, or a new RSA key made in the core. */
export function KeyStep(props: { existing: KeyInfo[]; onDone: (key: KeyInfo) => void }) {
  const core = useCore();
  const newest = props.existing.at(-1);
  const [name, setName] = useState(defaultName);
  const [bits, setBits] = useState<RsaBits>(4096);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const generate = async () => {
    setError(undefined);
    setBusy(true);
    try {
      props.onDone(await core.keys.generate({ name: name.trim() || defaultName(), bits }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      className="step"
      onSubmit={(event) => {
        event.preventDefault();
        void generate();
      }}
    >
      {newest && (
        <div className="existing-key">
          <p>
            This device already has the key <strong>{newest.name}</strong>{' '}
            <code className="fingerprint">{newest.fingerprints.sha256}</code>.
          </p>
          <Button
            className="react-aria-Button primary"
            onPress={() => props.onDone(newest)}
            isDisabled={busy}
          >
            Use this key
          </Button>
          <p className="muted">Or make a new one:</p>
        </div>
      )}
      <p className="muted">
        The private key is made here and kept encrypted behind your system keychain; only its public half goes
        to the dashboard.
      </p>
      <Field label="Key name" value={name} onChange={setName} isRequired />
      <Select selectedKey={bits} onSelectionChange={(k) => setBits(Number(k) as RsaBits)} className="field">
        <Label>RSA key size</Label>
        <Button className="react-aria-Button select-button">
          <SelectValue />
          <span aria-hidden="true">▾</span>
        </Button>
        <Popover>
          <ListBox>
            {SIZES.map((size) => (
              <ListBoxItem key={size} id={size} textValue={`${size} bits`}>
                {size} bits{size === 4096 ? ' (recommended)' : ''}
              </ListBoxItem>
            ))}
          </ListBox>
        </Popover>
      </Select>
      {busy && (
        <ProgressBar isIndeterminate aria-label={`Generating a ${bits}-bit RSA key`} className="progress">
          <span>Generating a {bits}-bit RSA key…</span>
          <div className="bar">
            <div className="fill indeterminate" />
          </div>
        </ProgressBar>
      )}
      <InlineError message={error} />
      <Button
        type="submit"
        className={newest ? 'react-aria-Button' : 'react-aria-Button primary'}
        isDisabled={busy}
      >
        Generate key
      </Button>
    </Form>
  );
}
