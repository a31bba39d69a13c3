import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { PlatformNode } from '../../../shared/src/platform.ts';
import { databaseOf, type TunnelInfo } from '../../../shared/src/tunnels.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { portProblem } from './ports.ts';

/** What a tunnel is called in the panel: the node's name as the dashboard shows it. */
export const tunnelLabel = (node: PlatformNode) => (node.displayName || node.nodeType).slice(0, 40);

/**
 * "Open tunnel…" on a node: which of its ports, and which port on this computer (a free one unless
 * one is typed). The tunnel opens in the core; a refusal by the node is shown here in its words.
 */
export function OpenTunnelDialog(props: {
  node: PlatformNode;
  target: ConnectionTarget;
  onOpened: (tunnel: TunnelInfo) => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { node } = props;
  const [remote, setRemote] = useState(String(databaseOf(node.nodeType)?.port ?? ''));
  const [local, setLocal] = useState('');
  const { busy, error, setError, run } = useAction();
  const problem = portProblem(remote, false) ?? portProblem(local, true);

  const open = () =>
    run(async () => {
      const tunnel = await core.tunnels.open({
        target: props.target,
        remotePort: Number(remote.trim()),
        ...(local.trim() ? { localPort: Number(local.trim()) } : {}),
        label: tunnelLabel(node),
      });
      props.onOpened(tunnel);
      if (tunnel.state === 'failed') setError(tunnel.error ?? 'The tunnel failed.');
      else props.onClose();
    });

  const title = `Open a tunnel to node ${node.id}`;
  return (
    <ModalDialog title={title} busy={busy} onClose={props.onClose}>
      <p className="muted">
        A port on this computer (127.0.0.1 only) forwarded through the gateway to a port on the node, as{' '}
        <code>ssh -L</code> does. It stays open until you close it in the Tunnels panel.
      </p>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          if (problem) setError(problem);
          else void open();
        }}
      >
        <div className="row tunnel-ports">
          <Field
            label="Port on the node"
            value={remote}
            onChange={setRemote}
            inputMode="numeric"
            isRequired
            autoFocus
          />
          <Field
            label="Port on this computer"
            value={local}
            onChange={setLocal}
            inputMode="numeric"
            placeholder="a free one"
            description="Leave empty for a free port."
          />
        </div>
        <InlineError message={error} />
        <div className="row end">
          <Button onPress={props.onClose}>{error ? 'Close' : 'Cancel'}</Button>
          <Button type="submit" className="react-aria-Button primary" isDisabled={busy}>
            {busy ? 'Opening…' : 'Open tunnel'}
          </Button>
        </div>
      </Form>
    </ModalDialog>
  );
}
