import { Button, Form } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { Field, InlineError } from '../ui/fields.tsx';
import { KeyDialog } from './KeyDialog.tsx';
import { Working } from '../ui/Working.tsx';
import { KeySizeSelect } from './KeySizeSelect.tsx';
import { useKeyGeneration } from './useKeyGeneration.ts';

/** A new RSA key, made in the core (its private half never reaches this page). */
export function GenerateKeyDialog(props: { onDone: (key: KeyInfo) => void; onClose: () => void }) {
  // Stays busy once made: `onDone` closes the dialog.
  const { name, setName, bits, setBits, busy, error, generate } = useKeyGeneration(props.onDone, {
    keepBusyOnSuccess: true,
  });

  return (
    <KeyDialog title="Generate a key" busy={busy} onClose={props.onClose}>
      <Form
        className="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          void generate();
        }}
      >
        <p className="muted">
          The private key is made on this device and kept encrypted behind your system keychain. Add it to the
          dashboard afterwards to open terminals with it.
        </p>
        <Field label="Key name" value={name} onChange={setName} isRequired isDisabled={busy} autoFocus />
        <KeySizeSelect value={bits} onChange={setBits} isDisabled={busy} />
        {busy && <Working label={`Generating a ${bits}-bit RSA key…`} />}
        <InlineError message={error} />
        <div className="row end">
          <Button onPress={props.onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button type="submit" className="react-aria-Button primary" isDisabled={busy}>
            Generate
          </Button>
        </div>
      </Form>
    </KeyDialog>
  );
}
