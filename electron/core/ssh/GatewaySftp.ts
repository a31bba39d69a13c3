import type ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { SftpProvider } from '../transfers/SftpProvider.ts';
import type { GatewayConnections } from './GatewayConnections.ts';

/**
 * SFTP sessions over the gateway: one `sftp` subsystem channel per connection, opened on first use
 * and shared by browsing and transfers; a new one after the connection (or the channel) closes.
 */
export class GatewaySftp implements SftpProvider {
  private readonly channels = new WeakMap<ssh2.Client, Promise<SFTPWrapper>>();

  constructor(private readonly connections: GatewayConnections) {}

  async sftp(target: ConnectionTarget): Promise<SFTPWrapper> {
    const client = await this.connections.client(target);
    let channel = this.channels.get(client);
    if (!channel) {
      channel = new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => {
          if (error) return reject(error);
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
