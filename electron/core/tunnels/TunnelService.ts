import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { parseGatewayUser } from '../../../shared/src/gatewayAddress.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { OpenTunnelRequest, TunnelEvents, TunnelInfo, TunnelsApi } from '../../../shared/src/tunnels.ts';
import { Tunnel, type TunnelConnections } from './Tunnel.ts';

export interface TunnelServiceOptions {
  /** Waits before each reconnect attempt; the last repeats. */
  backoffMs?: readonly number[];
  /** How often byte counts are told while data flows. */
  figuresMs?: number;
}

/** As the issue asks: 1, 2, 4, 8, 15 s, then every 30 s. */
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];

/**
 * The core's port forwards (TunnelsApi). Each tunnel is its own `Tunnel`; this keeps the list,
 * tells every change as a `changed` event and forgets a tunnel once it is closed.
 */
export class TunnelService implements TunnelsApi {
  readonly events = new Emitter<TunnelEvents>();
  private readonly tunnels = new Map<string, Tunnel>();

  constructor(
    private readonly connections: TunnelConnections,
    private readonly options: TunnelServiceOptions = {},
  ) {}

  async open(request: OpenTunnelRequest): Promise<TunnelInfo> {
    const user = parseGatewayUser(request.target.username);
    if (user?.kind !== 'node') {
      throw new InvalidInput(
        `A tunnel leads to a node: its user name is NODEID-UID, not '${request.target.username}'.`,
      );
    }
    const id = randomUUID();
    const tunnel = await Tunnel.bind({
      id,
      nodeId: user.nodeId,
      target: request.target,
      remotePort: request.remotePort,
      localPort: request.localPort ?? 0,
      ...(request.label ? { label: request.label } : {}),
      connections: this.connections,
      backoffMs: this.options.backoffMs ?? BACKOFF_MS,
      figuresMs: this.options.figuresMs ?? 250,
      changed: (info) => {
        if (info.state === 'closed') this.tunnels.delete(info.id);
        this.events.emit('changed', info);
      },
    });
    this.tunnels.set(id, tunnel);
    await tunnel.start();
    return tunnel.snapshot();
  }

  async list(): Promise<TunnelInfo[]> {
    return [...this.tunnels.values()].map((tunnel) => tunnel.snapshot());
  }

  /** Closing one that is gone already is not an error: the result is the same. */
  async close(id: string): Promise<void> {
    this.tunnels.get(id)?.close();
    this.tunnels.delete(id);
  }

  /** Tunnels still carrying or waiting for clients: what closing the app would end. */
  openCount(): number {
    return [...this.tunnels.values()].filter((tunnel) => tunnel.state !== 'failed').length;
  }

  closeAll(): void {
    for (const tunnel of this.tunnels.values()) tunnel.close();
    this.tunnels.clear();
  }
}
