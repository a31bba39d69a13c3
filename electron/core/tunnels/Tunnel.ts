import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { AppError, InvalidInput } from '../../../shared/src/errors.ts';
import {
  TUNNEL_LOCAL_HOST,
  TUNNEL_REMOTE_HOST,
  type TunnelInfo,
  type TunnelState,
} from '../../../shared/src/tunnels.ts';
import { ADMINISTRATIVELY_PROHIBITED, forwardRefusal } from './forwardRefusal.ts';

/** The gateway connections a tunnel rides on (GatewayConnections, or what a test gives). */
export interface TunnelConnections {
  client(target: ConnectionTarget): Promise<ssh2.Client>;
  retain(target: ConnectionTarget): () => void;
}

export interface TunnelOptions {
  id: string;
  nodeId: number;
  target: ConnectionTarget;
  remotePort: number;
  localPort: number;
  label?: string;
  connections: TunnelConnections;
  /** Waits before each reconnect attempt; the last one repeats. */
  backoffMs: readonly number[];
  /** Called with a fresh copy whenever the tunnel changed (figures at most every `figuresMs`). */
  changed(info: TunnelInfo): void;
  figuresMs: number;
}

const FINAL: readonly TunnelState[] = ['failed', 'closed'];

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One local port forward: a listener on this computer's 127.0.0.1, and for each client it accepts a
 * `direct-tcpip` channel to the node's port over the target's shared gateway connection, bytes
 * counted each way. When that connection drops, the listener stays and new clients wait while the
 * connection is tried again after 1, 2, 4, 8, 15, then every 30 s; clients whose channel was cut
 * see their connection end, as with `ssh -L`. A node that refuses forwarding ends it for good.
 */
export class Tunnel {
  private readonly info: TunnelInfo;
  private server: Server | undefined;
  private client: ssh2.Client | undefined;
  private detach: (() => void) | undefined;
  private release: (() => void) | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly channels = new Set<ClientChannel>();
  private waiting: Socket[] = [];
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private figuresTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: TunnelOptions) {
    this.info = {
      id: options.id,
      nodeId: options.nodeId,
      target: options.target,
      ...(options.label ? { label: options.label } : {}),
      local: { host: TUNNEL_LOCAL_HOST, port: options.localPort },
      remote: { host: TUNNEL_REMOTE_HOST, port: options.remotePort },
      state: 'opening',
      bytesIn: 0,
      bytesOut: 0,
      clients: 0,
      connections: 0,
      openedAt: Date.now(),
    };
  }

  /** Binds the local port (a bad port fails here, before anything is listed), then reaches the node. */
  static async bind(options: TunnelOptions): Promise<Tunnel> {
    const tunnel = new Tunnel(options);
    await tunnel.listen(options.localPort);
    return tunnel;
  }

  get state(): TunnelState {
    return this.info.state;
  }

  snapshot(): TunnelInfo {
    return { ...this.info, local: { ...this.info.local }, remote: { ...this.info.remote } };
  }

  /**
   * Reaches the node and opens one channel to its port, closed at once: a node that forbids
   * forwarding says so now, in its own words, rather than when the first client tries.
   */
  async start(): Promise<void> {
    this.release = this.options.connections.retain(this.options.target);
    let client: ssh2.Client;
    try {
      client = await this.options.connections.client(this.options.target);
    } catch (error) {
      this.connectFailed(error);
      return;
    }
    if (this.final()) return;
    this.attach(client);
    try {
      const channel = await this.forwardOut(client, TUNNEL_LOCAL_HOST, this.info.local.port);
      channel.close();
    } catch (error) {
      // A refusal is recorded (and may end the tunnel); a drop meanwhile is the drop handler's.
      this.refused(error);
    }
    if (!this.final() && this.client === client) this.opened();
  }

  /** Ends it for good: the port is released, every client's connection ends. */
  close(): void {
    // A failed one has released everything already; only its listeners are still to be told.
    if (this.info.state === 'failed') {
      this.info.state = 'closed';
      this.emitNow();
    } else {
      this.finish('closed');
    }
  }

  private final(): boolean {
    return FINAL.includes(this.info.state);
  }

  private async listen(port: number): Promise<void> {
    // Half-open as `ssh -L` is: a client that ends its side after the request (HTTP/1.0 clients,
    // `nc -N`) still reads the answer; the end goes on to the node as the channel's EOF.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) =>
      this.accept(socket),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: TUNNEL_LOCAL_HOST, port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      throw bindError(error, port);
    }
    // A listening socket does not fail on its own; if it ever does, the tunnel says so.
    server.on('error', (error) =>
      this.finish('failed', `The local port stopped listening: ${error.message}`),
    );
    this.server = server;
    this.info.local.port = (server.address() as AddressInfo).port;
  }

  private accept(socket: Socket): void {
    if (this.final()) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    this.sockets.add(socket);
    this.info.clients++;
    this.info.connections++;
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.waiting = this.waiting.filter((waiting) => waiting !== socket);
      this.info.clients--;
      this.emitNow();
    });
    this.emitNow();
    if (this.client && this.info.state === 'open') void this.forward(socket, this.client);
    else this.waiting.push(socket);
  }

  /** One client's channel to the node's port, piped both ways (each side's back-pressure holds). */
  private async forward(socket: Socket, client: ssh2.Client): Promise<void> {
    let channel: ClientChannel;
    try {
      channel = await this.forwardOut(
        client,
        socket.remoteAddress ?? TUNNEL_LOCAL_HOST,
        socket.remotePort ?? 0,
      );
    } catch (error) {
      socket.destroy();
      // Not a refusal: the connection went away meanwhile, and its drop is being handled.
      this.refused(error);
      return;
    }
    if (socket.destroyed || this.final()) {
      channel.close();
      return;
    }
    if (this.info.error && this.info.state === 'open') {
      delete this.info.error;
      this.emitNow();
    }
    this.channels.add(channel);
    channel.on('data', (chunk: Buffer) => {
      this.info.bytesIn += chunk.length;
      this.figures();
    });
    socket.on('data', (chunk: Buffer) => {
      this.info.bytesOut += chunk.length;
      this.figures();
    });
    channel.on('error', () => socket.destroy());
    channel.once('close', () => {
      this.channels.delete(channel);
      // After the node's end of stream the pipe has ended the socket, which flushes what it holds.
      if (!socket.writableEnded) socket.destroy();
    });
    socket.once('close', () => channel.close());
    socket.pipe(channel);
    channel.pipe(socket);
  }

  private forwardOut(client: ssh2.Client, fromHost: string, fromPort: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) =>
      client.forwardOut(fromHost, fromPort, TUNNEL_REMOTE_HOST, this.info.remote.port, (error, channel) =>
        error ? reject(error) : resolve(channel),
      ),
    );
  }

  /**
   * A refused channel, in the refuser's words. "Administratively prohibited" means the node (or the
   * gateway for it) does not forward at all: the tunnel fails. Anything else — nothing listening on
   * that port yet — is shown, and the tunnel stays for when it does. Answers whether it was one.
   */
  private refused(error: unknown): boolean {
    const refusal = forwardRefusal(error);
    if (!refusal) return false;
    if (refusal.reason === ADMINISTRATIVELY_PROHIBITED) {
      this.finish('failed', `The node refused the forward: ${refusal.words}`);
    } else {
      this.info.error = `Port ${this.info.remote.port} on the node: ${refusal.words}`;
      this.emitNow();
    }
    return true;
  }

  private attach(client: ssh2.Client): void {
    this.client = client;
    const dropped = () => this.dropped(client);
    client.once('close', dropped);
    this.detach = () => client.off('close', dropped);
  }

  private opened(): void {
    this.attempt = 0;
    this.info.state = 'open';
    delete this.info.retryAt;
    this.emitNow();
    const waiting = this.waiting;
    this.waiting = [];
    for (const socket of waiting)
      if (!socket.destroyed && this.client) void this.forward(socket, this.client);
  }

  private dropped(client: ssh2.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.detach = undefined;
    if (this.final()) return;
    this.retryLater('The connection to the gateway dropped.');
  }

  private connectFailed(error: unknown): void {
    if (this.final()) return;
    // A refused key or host key needs a person; a network problem may pass.
    if (error instanceof AppError) this.finish('failed', messageOf(error));
    else this.retryLater(messageOf(error));
  }

  private retryLater(reason: string): void {
    const { backoffMs } = this.options;
    const delay = backoffMs[Math.min(this.attempt, backoffMs.length - 1)] ?? 30_000;
    this.attempt++;
    this.info.state = 'reconnecting';
    this.info.error = reason;
    this.info.retryAt = Date.now() + delay;
    this.emitNow();
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.final()) return;
    try {
      const client = await this.options.connections.client(this.options.target);
      if (this.final()) return;
      this.attach(client);
      delete this.info.error;
      this.opened();
    } catch (error) {
      this.connectFailed(error);
    }
  }

  private finish(state: 'failed' | 'closed', error?: string): void {
    if (this.final()) return;
    this.info.state = state;
    if (error) this.info.error = error;
    delete this.info.retryAt;
    clearTimeout(this.retryTimer);
    clearTimeout(this.figuresTimer);
    this.figuresTimer = undefined;
    this.detach?.();
    this.detach = undefined;
    this.client = undefined;
    this.release?.();
    this.release = undefined;
    this.server?.close();
    this.server = undefined;
    for (const channel of this.channels) channel.close();
    for (const socket of this.sockets) socket.destroy();
    this.waiting = [];
    this.emitNow();
  }

  /** Byte counts change with every chunk: told at most every `figuresMs`. */
  private figures(): void {
    this.figuresTimer ??= setTimeout(() => {
      this.figuresTimer = undefined;
      this.options.changed(this.snapshot());
    }, this.options.figuresMs);
  }

  private emitNow(): void {
    clearTimeout(this.figuresTimer);
    this.figuresTimer = undefined;
    this.options.changed(this.snapshot());
  }
}

/** A local port that cannot be bound, in words that say what to do. */
function bindError(error: unknown, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const freeOne = 'or leave the port empty for a free one';
  if (code === 'EADDRINUSE')
    return new InvalidInput(
      `Port ${port} on ${TUNNEL_LOCAL_HOST} is already in use: choose another, ${freeOne}.`,
    );
  if (code === 'EACCES')
    return new InvalidInput(
      `Port ${port} needs administrator rights on this computer (ports below 1024 on macOS and Linux): choose one above 1024, ${freeOne}.`,
    );
  return new InvalidInput(`Cannot listen on ${TUNNEL_LOCAL_HOST}:${port}: ${messageOf(error)}`);
}
