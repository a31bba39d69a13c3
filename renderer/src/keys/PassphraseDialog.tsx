import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Field, InlineError } from '../ui/fields.tsx';
import { KeyDialog } from './KeyDialog.tsx';
import { Working } from '../ui/Working.tsx';

export interface PassphrasePrompt {
  fileName: string;
  /** Counts the tries, so each new prompt starts with an empty field. */
  attempt: number;
  /** Why the last passphrase was refused (`WrongPassphrase`), shown until the next try. */
  error?: string;
  /** A passphrase was given and the core is decrypting the file with it. */
  checking: boolean;
}

/** Asks for the passphrase of a key file being imported; stays open while it is checked. */
export function PassphraseDialog(props: {
  prompt: PassphrasePrompt;
  onSubmit: (passphrase: string) => void;
  onCancel: () => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const { prompt } = props;
  return (
    <KeyDialog title={`Passphrase for ${prompt.fileName}`} busy={prompt.checking} onClose={props.onCancel}>
      <Form
        className="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (passphrase) props.onSubmit(passphrase);
        }}
      >
        <p>This key file is protected by a passphrase. Enter it to import the key; it is not stored.</p>
        <Field
          label="Passphrase"
          type="password"
          value={passphrase}
          onChange={setPassphrase}
          isDisabled={prompt.checking}
          autoFocus
        />
        {prompt.checking && <Working label="Decrypting the key file…" />}
        <InlineError message={prompt.checking ? undefined : prompt.error} />
        <div className="row end">
          <Button onPress={props.onCancel} isDisabled={prompt.checking}>
            Cancel
          </Button>
          <Button
            type="submit"
            className="react-aria-Button primary"
            isDisabled={prompt.checking || !passphrase}
          >
            Import
          </Button>
        </div>
      </Form>
    </KeyDialog>
  );
}
