import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Account } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

/** The two-factor step: the authenticator app's current code completes the password sign-in. */
export function CodeStep(props: { login: string; onBack: () => void; onDone: (account: Account) => void }) {
  const core = useCore();
  const [code, setCode] = useState('');
  const { busy, error, run } = useAction();

  const submit = () => run(async () => props.onDone(await core.platform.verifyCode(code.trim())));

  return (
    <Form
      className="step"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <p className="muted">
        {/* A non-breaking hyphen: "6-" alone at a line's end reads as a typo. */}
        <strong>{props.login}</strong> has two-factor authentication. Enter the 6{'\u2011'}digit code your
        authenticator app shows for this account.
      </p>
      <Field
        label="Verification code"
        value={code}
        onChange={(value) => setCode(value.replace(/[^\d]/g, '').slice(0, 8))}
        isRequired
        autoComplete="one-time-code"
        inputMode="numeric"
        autoFocus
      />
      <InlineError message={error} />
      <div className="row">
        <Button onPress={props.onBack}>Back</Button>
        <Button type="submit" className="react-aria-Button primary" isDisabled={busy || code.length < 6}>
          {busy ? 'Verifying…' : 'Verify'}
        </Button>
      </div>
    </Form>
  );
}
