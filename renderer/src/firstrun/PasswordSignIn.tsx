import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { errorCode } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

/** The sandbox's demo account (spec/platform-api.md), offered so a newcomer needs no account. */
const SANDBOX_LOGIN = 'demo@sandbox.local';

/** Login and password; a two-factor account hands over to the code step. */
export function PasswordSignIn(props: {
  profile: PlatformProfile;
  onBack: () => void;
  onDone: (account: Account) => void;
  onCodeRequired: (login: string) => void;
}) {
  const core = useCore();
  const sandbox = props.profile.kind === 'sandbox';
  const [login, setLogin] = useState(sandbox ? SANDBOX_LOGIN : '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = () =>
    run(async () => {
      try {
        props.onDone(await core.platform.signIn(login.trim(), password));
      } catch (e) {
        // The password was right; the platform wants the authenticator app's code next.
        if (errorCode(e) === 'CodeRequired') props.onCodeRequired(login.trim());
        else throw e;
      }
    });

  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Field
        label="Email or login"
        value={login}
        onChange={setLogin}
        isRequired
        autoComplete="username"
        autoFocus
      />
      <Field
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        isRequired
        autoComplete="current-password"
        description={
          sandbox
            ? 'The sandbox’s demo account: demo@sandbox.local, password “demo”. To try a two-factor sign-in: twofa@sandbox.local, password “twofa”.'
            : undefined
        }
      />
      <InlineError message={error} />
      <div className="row">
        <Button onPress={props.onBack}>Back</Button>
        <Button type="submit" className="react-aria-Button primary" isDisabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </div>
    </Form>
  );
}
