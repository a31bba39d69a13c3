import { useEffect, useState, useSyncExternalStore } from 'react';
import { Button } from 'react-aria-components';
import type { TunnelInfo, TunnelState } from '../../../shared/src/tunnels.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { formatBytes } from '../transfers/format.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCopy } from './useCopy.ts';
import type { TunnelsStore } from './TunnelsStore.ts';

const STATE_WORDS: Record<TunnelState, string> = {
  opening: 'Opening…',
  open: 'Open',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  closed: 'Closed',
};

export const localAddress = (tunnel: TunnelInfo) => `${tunnel.local.host}:${tunnel.local.port}`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The time now, once a second while `ticking` (for "next try in 4 s"); otherwise still. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? now : Date.now();
}

/**
 * Every tunnel: its local and remote end, bytes each way, clients, state and the latest problem in
 * the words of whoever had it (the node's own refusal); copy its address, close it.
 */
export function TunnelsPanel(props: { store: TunnelsStore; onClose: () => void }) {
  const { tunnels } = useSyncExternalStore(props.store.subscribe, props.store.get);
  const now = useNow(tunnels.some((tunnel) => tunnel.state === 'reconnecting'));
  return (
    <section className="tunnels-panel" aria-label="Tunnels list">
      <header className="tunnels-head">
        <h2>Tunnels</h2>
        <span className="muted">Ports on this computer (127.0.0.1 only) forwarded to ports on nodes</span>
        <span className="spacer" />
        <Button aria-label="Hide tunnels" onPress={props.onClose}>
          ×
        </Button>
      </header>
      {tunnels.length === 0 && (
        <p className="muted">No tunnels yet: open one from a node’s ⋯ menu (“Open tunnel…”).</p>
      )}
      <ul className="tunnel-rows">
        {tunnels.map((tunnel) => (
          <TunnelRow key={tunnel.id} tunnel={tunnel} now={now} />
        ))}
      </ul>
    </section>
  );
}

function TunnelRow({ tunnel, now }: { tunnel: TunnelInfo; now: number }) {
  const core = useCore();
  const notifier = useNotifier();
  const copy = useCopy();
  const local = localAddress(tunnel);
  const failed = tunnel.state === 'failed';
  const verb = failed ? 'Remove' : 'Close';
  const name = `${local} to node ${tunnel.nodeId} port ${tunnel.remote.port}`;
  const retryIn =
    tunnel.state === 'reconnecting' && tunnel.retryAt !== undefined
      ? Math.max(0, Math.ceil((tunnel.retryAt - now) / 1000))
      : undefined;
  const close = () =>
    core.tunnels
      .close(tunnel.id)
      .catch((e: unknown) => notifier.error(`Could not close the tunnel ${local}`, errorMessage(e)));
  return (
    <li
      className={`tunnel-row state-${tunnel.state}`}
      aria-label={`Tunnel ${name}, ${STATE_WORDS[tunnel.state]}`}
    >
      <div className="tunnel-main">
        <span className="tunnel-ends">
          {tunnel.label && <span className="badge">{tunnel.label}</span>} <code>{local}</code>
          {failed ? ' (released)' : ''} → node {tunnel.nodeId} · port {tunnel.remote.port}
        </span>
        {!failed && (
          <span className="tunnel-figures muted">
            ↓ {formatBytes(tunnel.bytesIn)} · ↑ {formatBytes(tunnel.bytesOut)} ·{' '}
            {plural(tunnel.clients, 'client', 'clients')} connected
            {tunnel.connections > tunnel.clients ? ` (${tunnel.connections} since it opened)` : ''}
            {retryIn !== undefined ? ` · next try in ${retryIn} s` : ''}
          </span>
        )}
        {tunnel.error && <span className={failed ? 'inline-error' : 'tunnel-note'}>{tunnel.error}</span>}
      </div>
      <span className="tunnel-state">{STATE_WORDS[tunnel.state]}</span>
      <div className="tunnel-actions">
        {!failed && (
          <Button aria-label={`Copy address ${local}`} onPress={() => copy(local, 'tunnel address')}>
            Copy address
          </Button>
        )}
        {/* Named as they read, then which tunnel (the visible word first, for speech input). */}
        <Button aria-label={`${verb} the tunnel ${name}`} onPress={() => void close()}>
          {verb}
        </Button>
      </div>
    </li>
  );
}

/** The status bar's summary; pressing it shows the panel. */
export function TunnelsStatus(props: { store: TunnelsStore; open: boolean; onToggle: () => void }) {
  const { tunnels, live } = useSyncExternalStore(props.store.subscribe, props.store.get);
  const failed = tunnels.length - live;
  return (
    <Button className="react-aria-Button status-button" onPress={props.onToggle} aria-expanded={props.open}>
      Tunnels
      <span className="muted">
        {live > 0 ? ` · ${live} open` : ''}
        {failed > 0 ? ` · ${failed} failed` : ''}
      </span>
    </Button>
  );
}
