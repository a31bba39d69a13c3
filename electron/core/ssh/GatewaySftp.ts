import type ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { SftpProvider } from '../sftp/SftpProvider.ts';
import { enlargeReceiveWindow } from '@enscale-ssh/ssh2-internals';
import type { GatewayConnections } from './GatewayConnections.ts';

/**
 * The receive window the app's SFTP channels keep open (channelWindow.ts in packages/ssh2-internals):
 * 8 × ssh2's 2 MiB, room for the 64 × 255 KiB a transfer asks for at once.
 */
export const SFTP_RECEIVE_WINDOW = 16 * 1024 * 1024;

export interface GatewaySftpOptions {
  /** Bytes of download the gateway may send ahead of what the client has taken in. */
  receiveWindow?: number;
}

/**
 * SFTP sessions over the gateway: one `sftp` subsystem channel per connection, opened on first use
 * and shared by browsing and transfers; a new one after the connection (or the channel) closes.
 */
export class GatewaySftp implements SftpProvider {
  private readonly channels = new WeakMap<ssh2.Client, Promise<SFTPWrapper>>();

  private readonly receiveWindow: number;

  constructor(
    private readonly connections: GatewayConnections,
    options: GatewaySftpOptions = {},
  ) {
    this.receiveWindow = options.receiveWindow ?? SFTP_RECEIVE_WINDOW;
  }

  async sftp(target: ConnectionTarget): Promise<SFTPWrapper> {
    const client = await this.connections.client(target);
    let channel = this.channels.get(client);
    if (!channel) {
      channel = new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => {
          if (error) return reject(error);
          // ssh2's 2 MiB window stalls downloads that cross the gateway's two hops (see channelWindow).
          enlargeReceiveWindow(sftp, this.receiveWindow);
          // The open channel is a user of the connection: keep it (and reconnect it) while it lives.
          const release = this.connections.retain(target);
          sftp.once('close', () => {
            release();
            if (this.channels.get(client) === channel) this.channels.delete(client);
          });
          resolve(sftp);
        }),
      );
      this.channels.set(client, channel);
      channel.catch(() => this.channels.delete(client));
    }
    return channel;
  }
}
