import { Button } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { keyboardPlatform } from '../app/keyboardPlatform.ts';

/** The new-local-tab keys, as the keyboard in front of the user has them (see shortcuts.ts). */
export const NEW_LOCAL_KEYS =
  keyboardPlatform() === 'mac'
    ? { label: 'Cmd+T', aria: 'Meta+T' }
    : { label: 'Ctrl+Shift+T', aria: 'Control+Shift+T' };

/** The bar above the workbench: who is signed in where, and the app's pages. */
export function WorkbenchHeader(props: {
  profile: PlatformProfile;
  account: Account;
  onLocal: () => void;
  onPage: (kind: 'keys' | 'settings', title: string) => void;
  onSignOut: () => void;
}) {
  const { profile, account } = props;
  return (
    <header className="topbar">
      <h1 className="brand">Enscale SSH</h1>
      <span className="muted">
        {profile.label} · {account.email} · user {account.uid}
      </span>
      <span className="spacer" />
      <Button onPress={props.onLocal} aria-keyshortcuts={NEW_LOCAL_KEYS.aria}>
        New local terminal
      </Button>
      <Button onPress={() => props.onPage('keys', 'Keys')}>Keys</Button>
      <Button onPress={() => props.onPage('settings', 'Settings')}>Settings</Button>
      <Button onPress={props.onSignOut}>Sign out</Button>
    </header>
  );
}
