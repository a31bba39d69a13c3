import { Button } from 'react-aria-components';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { InlineError } from '../ui/fields.tsx';
import { AgentSection } from '../agent/AgentSection.tsx';
import { SshConfigSection } from '../sshConfig/SshConfigSection.tsx';
import { AboutSection } from './AboutSection.tsx';
import { AccountSection } from './AccountSection.tsx';
import { ConnectionSection } from './ConnectionSection.tsx';
import { EditorSection } from './EditorSection.tsx';
import { LocalShellSection } from './LocalShellSection.tsx';
import { SessionLogSection } from './SessionLogSection.tsx';
import { TerminalSection } from './TerminalSection.tsx';
import { TransfersSection } from './TransfersSection.tsx';
import { useAppSettings } from './useAppSettings.ts';

/**
 * Settings, as a page in its own tab. Terminal settings are this window's (its storage); transfers
 * and the keepalive are the core's, shared with every window and the command line.
 */
export function SettingsPage(props: { account: Account; profile: PlatformProfile }) {
  const { settings, loadError, reload, update } = useAppSettings();
  return (
    <section className="page settings" aria-label="Settings">
      <h2>Settings</h2>
      <AccountSection account={props.account} profile={props.profile} />
      <TerminalSection />
      {loadError && (
        <div className="row">
          <InlineError message={`The transfer and connection settings could not be read: ${loadError}`} />
          <Button onPress={reload}>Try again</Button>
        </div>
      )}
      {settings && <TransfersSection settings={settings} update={update} />}
      {settings && <ConnectionSection settings={settings} update={update} />}
      {settings && <LocalShellSection settings={settings} update={update} />}
      {settings && <EditorSection settings={settings} update={update} />}
      {settings && <SessionLogSection settings={settings} update={update} />}
      {settings && <AgentSection settings={settings} update={update} />}
      {settings && <SshConfigSection agentEnabled={settings.agent.enabled} />}
      <AboutSection />
    </section>
  );
}
