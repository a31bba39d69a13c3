import type { CoreContract } from '../../../shared/src/contract.ts';
import type { TunnelInfo } from '../../../shared/src/tunnels.ts';

/** The core's tunnels, oldest first, kept current from its `changed` events. */
export interface TunnelsSnapshot {
  tunnels: TunnelInfo[];
  /** Tunnels that are open, opening or reconnecting: what the status bar counts. */
  live: number;
}

const EMPTY: TunnelsSnapshot = { tunnels: [], live: 0 };

/**
 * What the page knows about tunnels, in the shape useSyncExternalStore wants. Byte counts arrive a
 * few times a second per busy tunnel; listeners are told at most once per animation frame.
 */
export class TunnelsStore {
  private readonly tunnels = new Map<string, TunnelInfo>();
  private snapshot: TunnelsSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private frame = 0;

  constructor(core: CoreContract) {
    core.tunnels.events.on('changed', (info) => this.update(info));
    void core.tunnels.list().then((list) => {
      for (const info of list) if (!this.tunnels.has(info.id)) this.tunnels.set(info.id, info);
      this.changed();
    });
  }

  readonly get = (): TunnelsSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Takes in a tunnel's newest state; a closed one goes. */
  private update(info: TunnelInfo): void {
    if (info.state === 'closed') this.tunnels.delete(info.id);
    else this.tunnels.set(info.id, info);
    this.changed();
  }

  private changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const tunnels = [...this.tunnels.values()].sort((a, b) => a.openedAt - b.openedAt);
      const live = tunnels.filter((t) => t.state !== 'failed').length;
      this.snapshot = { tunnels, live };
      for (const listener of this.listeners) listener();
    });
  }
}
