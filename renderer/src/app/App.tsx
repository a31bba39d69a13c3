import { useCallback, useEffect, useState } from 'react';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import type { PlatformState } from '../../../shared/src/platformService.ts';
import { FirstRun, type FirstRunStep } from '../firstrun/FirstRun.tsx';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { HostKeyDialog } from '../hostkeys/HostKeyDialog.tsx';
import { AgentPrompt } from '../agent/AgentPrompt.tsx';
import { useColorScheme, useSettings } from '../settings/SettingsContext.tsx';
import { Workbench } from '../workbench/Workbench.tsx';
import { errorMessage } from '../ui/errorMessage.ts';
import { SecretsInMemoryNotice } from './SecretsInMemoryNotice.tsx';

type Screen =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'firstRun'; state: PlatformState; keys: KeyInfo[]; start: FirstRunStep; notice?: string }
  | { kind: 'workbench'; state: { profile: PlatformProfile; account: Account } };

/** Which screen: setup until there is an account and a key, then the workbench. */
export function App() {
  const core = useCore();
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const scheme = useColorScheme(useSettings().theme);
  useEffect(() => {
    // The whole window follows the theme setting (or the OS's), not only the terminals.
    document.documentElement.dataset.theme = scheme;
  }, [scheme]);

  const load = useCallback(
    async (notice?: string) => {
      try {
        const [state, keys] = await Promise.all([core.platform.current(), core.keys.list()]);
        const { profile, account } = state;
        if (profile && account && keys.length > 0)
          setScreen({ kind: 'workbench', state: { profile, account } });
        else
          setScreen({
            kind: 'firstRun',
            state,
            keys,
            start: state.account ? 'key' : 'platform',
            ...(notice ? { notice } : {}),
          });
      } catch (error) {
        setScreen({ kind: 'failed', message: errorMessage(error) });
      }
    },
    [core],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // A session the platform refused (expired, revoked) brings the sign-in back, saying why.
  useCoreEvent(core.platform.events, 'signedOut', ({ reason }) => {
    void load(reason);
  });

  return (
    <>
      {screen.kind === 'loading' && <p className="loading">Loading…</p>}
      {screen.kind === 'failed' && (
        <main className="first-run">
          <div className="first-run-card" role="alert">
            <h1 className="brand">Enscale SSH</h1>
            <p>{screen.message}</p>
          </div>
        </main>
      )}
      {screen.kind === 'firstRun' && (
        <FirstRun
          profile={screen.state.profile}
          keys={screen.keys}
          start={screen.start}
          notice={screen.notice}
          onDone={() => void load()}
        />
      )}
      {screen.kind === 'workbench' && <Workbench state={screen.state} />}
      <HostKeyDialog />
      <AgentPrompt />
      <SecretsInMemoryNotice />
    </>
  );
}
