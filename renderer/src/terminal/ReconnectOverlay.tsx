import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { TerminalStatus } from './TerminalConnection.ts';

/** Over a dropped terminal: why, when the next attempt is, and buttons to retry now or close. */
export function ReconnectOverlay(props: {
  status: TerminalStatus;
  onRetry: () => void;
  onClose: () => void;
}) {
  const { status } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!status.retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [status.retryAt]);
  const seconds = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : undefined;
  return (
    <div className="reconnect-overlay" role="alert">
      <div className="reconnect-card">
        <strong>
          {status.errorCode === 'EnvironmentStopped'
            ? 'Environment not running'
            : status.needsUser
              ? 'Cannot connect'
              : 'Disconnected'}
        </strong>
        <p>{status.message}</p>
        {seconds !== undefined && <p className="muted">Reconnecting in {seconds} s…</p>}
        <div className="row">
          <Button className="react-aria-Button primary" onPress={props.onRetry}>
            {status.needsUser ? 'Try again' : 'Reconnect now'}
          </Button>
          <Button onPress={props.onClose}>Close tab</Button>
        </div>
      </div>
    </div>
  );
}
