import { Button } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

const KIND_WORDS: Record<PlatformProfile['kind'], string> = {
  enscale: 'Enscale',
  sandbox: 'the embedded sandbox',
  custom: 'a custom platform',
};

/**
 * Platform and account. Signing out ends the session (the core's `signedOut` event brings the
 * first-run screens back, at the platform choice); switching platform is the same, said plainly.
 */
export function AccountSection(props: { account: Account; profile: PlatformProfile }) {
  const core = useCore();
  const { account, profile } = props;
  // Signed out, this section is replaced by the first-run screens (the core's `signedOut` event).
  const { busy, error, run } = useAction({
    keepBusyOnSuccess: true,
    failureHint: 'You are still signed in; try again.',
  });

  const signOut = () => run(() => core.platform.signOut());

  return (
    <section className="settings-section" aria-labelledby="settings-account">
      <h3 id="settings-account">Platform and account</h3>
      <dl className="facts">
        <dt>Platform</dt>
        <dd>
          {profile.label} <span className="muted">({KIND_WORDS[profile.kind]})</span>
        </dd>
        <dt>API</dt>
        <dd>
          <code>{profile.apiUrl}</code>
        </dd>
        <dt>SSH gateway</dt>
        <dd>
          <code>
            {profile.gateway.host}:{profile.gateway.port}
          </code>
        </dd>
        <dt>Signed in as</dt>
        <dd>
          {account.email}
          {account.name && account.name !== account.email ? ` (${account.name})` : ''}{' '}
          <span className="muted">· user {account.uid}</span>
        </dd>
      </dl>
      <div className="row">
        <Button onPress={() => void signOut()} isDisabled={busy}>
          Sign out
        </Button>
        <Button onPress={() => void signOut()} isDisabled={busy}>
          Switch platform…
        </Button>
      </div>
      <p className="hint muted">
        Switching platform signs you out and shows the platform choice. Your keys stay on this device.
      </p>
      <InlineError message={error} />
    </section>
  );
}
