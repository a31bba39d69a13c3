import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { AgentConfirmRequest } from '../../../shared/src/agent.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';
import { ModalDialog } from '../ui/dialogs.tsx';

/** Who asks, in words: the program and its process id where the OS told them. */
export function clientWords(request: AgentConfirmRequest): string {
  return request.client ? `${request.client.name} (process ${request.client.pid})` : 'An unknown process';
}

/**
 * Settings → SSH agent → "Ask before each use": a program wants a signature from a vault key. The
 * dialog names the key and the program; Allow signs once, Deny (or Escape) refuses. Requests queue up;
 * one answered in another window, or given up by its program, leaves this one too.
 */
export function AgentPrompt() {
  const core = useCore();
  const notifier = useNotifier();
  const [requests, setRequests] = useState<AgentConfirmRequest[]>([]);
  const add = (request: AgentConfirmRequest) =>
    setRequests((list) => (list.some((r) => r.id === request.id) ? list : [...list, request]));
  useCoreEvent(core.agent.events, 'confirmRequest', add);
  useCoreEvent(core.agent.events, 'confirmSettled', ({ id }) =>
    setRequests((list) => list.filter((r) => r.id !== id)),
  );
  // Requests that were waiting before this window opened (or reloaded).
  useEffect(() => {
    core.agent.status().then(
      (status) => status.pending.forEach(add),
      () => undefined,
    );
  }, [core]);

  const request = requests[0];
  if (!request) return null;
  const answer = (allow: boolean) => {
    setRequests((list) => list.filter((r) => r.id !== request.id));
    core.agent.answer(request.id, allow).catch((e: unknown) => notifier.error('SSH agent', errorMessage(e)));
  };
  return (
    <ModalDialog title="Allow a signature with your key?" onClose={() => answer(false)}>
      <p>
        <strong>{clientWords(request)}</strong> asks the app’s SSH agent to sign with your key{' '}
        <strong>{request.keyName}</strong>.
      </p>
      <dl className="fingerprints">
        <dt>SHA256</dt>
        <dd>
          <code>{request.fingerprint.replace(/^SHA256:/, '')}</code>
        </dd>
      </dl>
      <p className="muted">
        Allow it if you just started ssh, git, scp or another SSH program yourself. Each signature asks again.
      </p>
      <div className="row end">
        <Button onPress={() => answer(false)}>Deny</Button>
        <Button className="react-aria-Button primary" onPress={() => answer(true)}>
          Allow
        </Button>
      </div>
      {requests.length > 1 && <p className="muted">{requests.length - 1} more waiting.</p>}
    </ModalDialog>
  );
}
