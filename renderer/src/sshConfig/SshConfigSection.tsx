import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { SshConfigStatus } from '../../../shared/src/sshConfig.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { useAction } from '../ui/useAction.ts';
import { InlineError } from '../ui/fields.tsx';
import { useCopySshConfig } from './useCopySshConfig.ts';

/**
 * Settings → ssh config: Host entries for every node (`ssh shop-518839`) for ssh, scp, rsync, git and
 * VS Code Remote-SSH, signing in through the app's agent. "Write to ~/.ssh/config" adds one Include
 * line at the top of the user's config, for a file the app keeps current; nothing else there changes.
 */
export function SshConfigSection({ agentEnabled }: { agentEnabled: boolean }) {
  const core = useCore();
  const copy = useCopySshConfig();
  const [status, setStatus] = useState<SshConfigStatus>();
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    let current = true;
    core.sshConfig.status().then(
      (next) => current && setStatus(next),
      (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [core, setError]);
  useCoreEvent(core.sshConfig.events, 'status', setStatus);

  const change = (install: boolean) =>
    void run(async () => setStatus(await (install ? core.sshConfig.install() : core.sshConfig.uninstall())));

  return (
    <section className="settings-section" aria-labelledby="settings-ssh-config">
      <h3 id="settings-ssh-config">ssh config</h3>
      <p className="muted">
        Host entries named like <code>shop-518839</code> let ssh, scp, rsync, git and VS Code Remote-SSH reach
        your nodes with the keys in this app, through its SSH agent: no key file on disk.
      </p>
      {status?.installed ? (
        <p role="status">
          <code>{status.userConfig}</code> includes <code>{status.file}</code> ({status.hosts}{' '}
          {status.hosts === 1 ? 'host' : 'hosts'}), kept current as your environments change.
        </p>
      ) : (
        status && (
          <p role="status">
            Not in <code>{status.userConfig}</code>. Writing adds one <code>Include</code> line at its top;
            your own lines stay as they are.
          </p>
        )
      )}
      {!agentEnabled && (
        <p className="muted">The SSH agent is off (above): ssh finds no keys until it is on.</p>
      )}
      <div className="row">
        {status?.installed ? (
          <Button isDisabled={busy} onPress={() => change(false)}>
            Remove from ~/.ssh/config
          </Button>
        ) : (
          <Button isDisabled={busy || !status} onPress={() => change(true)}>
            Write to ~/.ssh/config
          </Button>
        )}
        <Button onPress={() => copy({ kind: 'all' })}>Copy ssh config for every node</Button>
      </div>
      <InlineError message={error} />
    </section>
  );
}
