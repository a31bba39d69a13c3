import { Button, Form } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { KeySizeSelect } from '../keys/KeySizeSelect.tsx';
import { KeyWarning } from '../keys/KeyWarning.tsx';
import { useKeyGeneration } from '../keys/useKeyGeneration.ts';
import { Field, InlineError } from '../ui/fields.tsx';
import { Working } from '../ui/Working.tsx';

/**
 * Step 3: a key for the gateway — the newest one on this device the gateway takes, or a new RSA key
 * made in the core. Keys it refuses (an imported Ed25519 key) are named with the reason, not offered.
 */
export function KeyStep(props: { existing: KeyInfo[]; onDone: (key: KeyInfo) => void }) {
  const newest = props.existing.filter((key) => key.gatewayAccepts !== false).at(-1);
  const refused = props.existing.filter((key) => key.gatewayAccepts === false);
  const { name, setName, bits, setBits, busy, error, generate } = useKeyGeneration(props.onDone);

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
      {refused.map((key) => (
        <KeyWarning key={key.id} keyInfo={key} withName />
      ))}
      <p className="muted">
        The private key is made here and kept encrypted behind your system keychain; only its public half goes
        to the dashboard.
      </p>
      <Field label="Key name" value={name} onChange={setName} isRequired />
      <KeySizeSelect value={bits} onChange={setBits} />
      {busy && <Working label={`Generating a ${bits}-bit RSA key…`} />}
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
