import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

/** The sandbox's demo account (spec/platform-api.md), offered so a newcomer needs no account. */
const SANDBOX_LOGIN = 'demo@sandbox.local';

/** Step 2: sign in; the session goes to the OS keychain in the core. */
export function SignInStep(props: {
  profile: PlatformProfile;
  notice?: string | undefined;
  onBack: () => void;
  onDone: (account: Account) => void;
}) {
  const core = useCore();
  const sandbox = props.profile.kind === 'sandbox';
  const [login, setLogin] = useState(sandbox ? SANDBOX_LOGIN : '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = () => run(async () => props.onDone(await core.platform.signIn(login.trim(), password)));

  return (
    <Form
      className="step"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {props.notice && <p className="notice">{props.notice}</p>}
      <p className="muted">
        Signing in to <strong>{props.profile.label}</strong> ({new URL(props.profile.apiUrl).host}).
      </p>
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
        description={sandbox ? 'The sandbox’s demo account: demo@sandbox.local, password “demo”.' : undefined}
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
