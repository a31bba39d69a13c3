import { useState } from 'react';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { CodeStep } from './CodeStep.tsx';
import { PasswordSignIn } from './PasswordSignIn.tsx';
import { TokenSignIn } from './TokenSignIn.tsx';

type Method = 'password' | 'token';

/**
 * Step 2: sign in with a password (and a two-factor code when the account asks) or with a personal
 * access token; the session or token goes to the OS keychain in the core.
 */
export function SignInStep(props: {
  profile: PlatformProfile;
  notice?: string | undefined;
  onBack: () => void;
  onDone: (account: Account) => void;
}) {
  const [method, setMethod] = useState<Method>('password');
  /** The login whose password was right and whose code the platform now wants. */
  const [codeFor, setCodeFor] = useState<string>();

  if (codeFor !== undefined)
    return <CodeStep login={codeFor} onBack={() => setCodeFor(undefined)} onDone={props.onDone} />;

  return (
    <div className="step">
      {props.notice && <p className="notice">{props.notice}</p>}
      <p className="muted">
        Signing in to <strong>{props.profile.label}</strong> ({new URL(props.profile.apiUrl).host}).
      </p>
      <RadioGroup
        value={method}
        onChange={(value) => setMethod(value as Method)}
        orientation="horizontal"
        className="inline-choices"
      >
        <Label>How to sign in</Label>
        <Radio value="password">With a password</Radio>
        <Radio value="token">With an access token</Radio>
      </RadioGroup>
      {method === 'password' ? (
        <PasswordSignIn
          profile={props.profile}
          onBack={props.onBack}
          onDone={props.onDone}
          onCodeRequired={setCodeFor}
        />
      ) : (
        <TokenSignIn onBack={props.onBack} onDone={props.onDone} />
      )}
    </div>
  );
}
