import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ConnectConfig, type Connection } from 'ssh2';

/**
 * A real ssh2 server on 127.0.0.1 and a client connected to it, both in this process: the hacks
 * are checked on live connections, from both sides of the wire.
 */
export interface Ssh2Pair {
  server: ssh2.Server;
  client: ssh2.Client;
  /** The server's side of the client's connection. */
  connection: Connection;
  close(): Promise<void>;
}

export async function ssh2Pair(
  onConnection: (connection: Connection) => void = () => undefined,
  clientConfig: Partial<ConnectConfig> = {},
): Promise<Ssh2Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'ssh2-internals-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
  let connected!: (connection: Connection) => void;
  const serverSide = new Promise<Connection>((resolve) => (connected = resolve));
  const server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (connection) => {
    connection.on('error', () => undefined);
    connection.on('authentication', (context) => context.accept());
    onConnection(connection);
    connected(connection);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      username: 'test',
      hostVerifier: () => true,
      ...clientConfig,
    });
  });
  return {
    server,
    client,
    connection: await serverSide,
    close: async () => {
      client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
