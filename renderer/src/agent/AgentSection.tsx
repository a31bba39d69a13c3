import { useEffect, useState } from 'react';
import { Button, Switch } from 'react-aria-components';
import { exportLine, type AgentStatus } from '../../../shared/src/agent.ts';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';
import { useCore } from '../host/HostContext.tsx';
import { useSaving } from '../settings/useAppSettings.ts';
import { useCopy } from '../tunnels/useCopy.ts';
import { InlineError } from '../ui/fields.tsx';

/**
 * Settings → SSH agent: the app serves the vault's keys to ssh, git, scp and VS Code on this
 * computer. On or off, ask before each use, and where it listens with the line to export.
 */
export function AgentSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const core = useCore();
  const copy = useCopy();
  const { saved, error, save } = useSaving(props.update);
  const { enabled, confirm } = props.settings.agent;
  const [status, setStatus] = useState<AgentStatus>();
  // Asked again after each change of the settings: the core starts or stops the agent for them.
  useEffect(() => {
    let current = true;
    core.agent.status().then(
      (next) => current && setStatus(next),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [core, props.settings]);
  const pipe = status?.socketPath.startsWith('\\\\.\\pipe\\') ?? false;
  const line = status ? exportLine(status.socketPath) : '';

  return (
    <section className="settings-section" aria-labelledby="settings-agent">
      <h3 id="settings-agent">SSH agent</h3>
      <Switch
        isSelected={enabled}
        onChange={(on) =>
          save({ agent: { enabled: on } }, on ? 'the SSH agent is on' : 'the SSH agent is off')
        }
      >
        <div className="indicator" /> Serve my keys to other programs (ssh, git, scp, VS Code)
      </Switch>
      <Switch
        isSelected={confirm}
        onChange={(on) =>
          save(
            { agent: { confirm: on } },
            on ? 'each signature asks first' : 'signatures no longer ask first',
          )
        }
      >
        <div className="indicator" /> Ask before each use, naming the key and the program
      </Switch>
      <p className="muted">
        Programs can list your keys and sign with them, never read them: the keys stay in the app. Adding or
        removing keys through the agent is refused.
      </p>
      {status?.running && pipe && (
        <p>
          Listening on <code>{status.socketPath}</code>, the pipe OpenSSH for Windows uses: ssh, git and VS
          Code find it with no setting.{' '}
          {status.pageant?.pipe
            ? 'PuTTY, Plink and WinSCP (0.75 and later) find it on Pageant’s pipe.'
            : `PuTTY and WinSCP are not served: ${status.pageant?.error ?? 'Pageant’s pipe is not open.'}`}
        </p>
      )}
      {status?.running && !pipe && (
        <>
          <p>
            Listening on <code>{status.socketPath}</code>. In a shell, or in your shell’s profile:
          </p>
          <div className="row">
            <code className="agent-export">{line}</code>
            <Button onPress={() => copy(line, 'SSH_AUTH_SOCK line')}>Copy</Button>
          </div>
        </>
      )}
      {status && !status.running && enabled && !status.error && <p className="muted">Starting…</p>}
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error ?? (enabled ? status?.error : undefined)} />
    </section>
  );
}
