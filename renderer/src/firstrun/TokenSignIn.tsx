import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { APP_TOKEN_METHODS } from '../../../shared/src/apiMethods.ts';
import type { Account } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

/**
 * A personal access token: Jelastic's preferred way into the API, and the one for accounts with
 * two-factor authentication. The core checks it with the platform before keeping it.
 */
export function TokenSignIn(props: { onBack: () => void; onDone: (account: Account) => void }) {
  const core = useCore();
  const [token, setToken] = useState('');
  const { busy, error, run } = useAction();

  const submit = () => run(async () => props.onDone(await core.platform.signInWithToken(token.trim())));

  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Field
        label="Access token"
        type="password"
        value={token}
        onChange={setToken}
        isRequired
        autoComplete="off"
        autoFocus
        description="Create one on the dashboard: Settings → API Access Tokens."
      />
      <details className="token-methods">
        <summary>Permissions the app uses</summary>
        <p className="muted">
          Without one of these the app still does the rest and names the missing permission where it is
          needed.
        </p>
        <ul>
          {APP_TOKEN_METHODS.map((method) => (
            <li key={method}>
              <code>{method}</code>
            </li>
          ))}
        </ul>
      </details>
      <InlineError message={error} />
      <div className="row">
        <Button onPress={props.onBack}>Back</Button>
        <Button type="submit" className="react-aria-Button primary" isDisabled={busy}>
          {busy ? 'Checking the token…' : 'Sign in'}
        </Button>
      </div>
    </Form>
  );
}
