import { Sandbox } from '@enscale-ssh/gateway';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';

/** Node 518839 of the sandbox's demo data (environment 'shop'): a real OpenSSH sshd with sftp-server. */
export const NODE_ID = 518839;

/**
 * A sandbox and an SFTP channel straight to one node's sshd (no gateway): the node's access key,
 * and its pinned host key checked — no other key is accepted. `home` is the node's home folder on
 * this disk, for checking results independently of SFTP; the node runs on the host's filesystem
 * (not isolated), so it is also the node's own path.
 */
export interface NodeSftp {
  sandbox: Sandbox;
  client: ssh2.Client;
  sftp: SFTPWrapper;
  /** The node's home as the node sees it (SFTP paths). */
  remoteHome: string;
  /** The same folder on this disk. */
  home: string;
  /** Another SFTP channel on the same connection. */
  openSftp(): Promise<SFTPWrapper>;
  stop(): Promise<void>;
}

export async function connectNode(): Promise<NodeSftp> {
  // These suites check the app's SFTP and transfer semantics against the very files on this disk, by
  // one path for both sides: the node shares this machine's filesystem (docs/sandbox.md, "Nodes").
  // Isolated nodes, where the paths differ and the user is apache, are what every suite through the
  // gateway plays against (test/e2e, test/cli, test/reliability, gateway/test/sandbox/nodeIsolation).
  const sandbox = await Sandbox.start({ apiPort: 0, isolated: false });
  try {
    const node = await sandbox.store.getNode(NODE_ID);
    const access = node?.access;
    if (!access) throw new Error(`Node ${NODE_ID} is not running in the sandbox.`);
    const expected = access.hostKey.split(' ')[1];
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({
        host: access.host,
        port: access.port,
        username: access.user,
        privateKey: readFileSync(sandbox.nodeAccessKeyPath),
        hostVerifier: (key: Buffer) => key.toString('base64') === expected,
        readyTimeout: 20_000,
      });
    });
    // As the app's connections do: without it Nagle's algorithm holds back the small SFTP read
    // requests and downloads crawl at a fraction of the link's speed.
    client.setNoDelay(true);
    const openSftp = () =>
      new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
      );
    const sftp = await openSftp();
    const remoteHome = await new Promise<string>((resolve, reject) =>
      sftp.realpath('.', (error, path) => (error ? reject(error) : resolve(path))),
    );
    return {
      sandbox,
      client,
      sftp,
      remoteHome,
      home: join(sandbox.dataDir, 'nodes', String(NODE_ID), 'home'),
      openSftp,
      async stop() {
        client.end();
        await sandbox.stop();
      },
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
