import { ignoreGlobalRequests } from '@enscale-ssh/ssh2-internals/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStateEvent, ConnectionTarget } from '../../../shared/src/connections.ts';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { HostKeys, sha256Fingerprint } from '../../../electron/core/ssh/HostKeys.ts';

const INTERVAL_MS = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * A scripted gateway: an SSH server that streams on every exec channel while `streaming` is set and
 * never answers a keepalive — what a gateway looks like to the app when its answers queue behind a
 * download (which the real gateway cannot be made to do on demand).
 */
let dir: string;
let server: ssh2.Server;
let streaming = true;
let target: ConnectionTarget;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'link-liveness-'));
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  server = new ssh2.Server({ hostKeys: [hostKey.private] }, (connection) => {
    connection.on('error', () => undefined);
    // ssh2's server answers keepalives by itself and has no option against it: its handler is replaced.
    ignoreGlobalRequests(connection);
    connection.on('authentication', (context) => context.accept());
    connection.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const channel = acceptExec();
        const chunk = Buffer.alloc(4096, 'x');
        const timer = setInterval(() => {
          if (streaming && channel.writable) channel.write(chunk);
        }, 10);
        channel.on('close', () => clearInterval(timer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const blob = Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64');
  target = {
    gateway: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
    username: '518839-4856',
    pinned: { keyType: 'ssh-ed25519', sha256: sha256Fingerprint(blob) },
  };
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a gateway connection that is busy or silent', () => {
  it('is kept while data arrives although keepalives go unanswered, and dropped once nothing does', async () => {
    const userKey = ssh2.utils.generateKeyPairSync('ed25519');
    const connections = new GatewayConnections({
      hostKeys: new HostKeys(join(dir, 'known_hosts')),
      identity: async () => [{ name: 'test key', privateKey: userKey.private }],
      interactive: false,
      keepaliveIntervalMs: INTERVAL_MS,
      // No reconnect within the test: the drop itself is what is looked at.
      backoffMs: 60_000,
    });
    const states: ConnectionStateEvent[] = [];
    connections.events.on('state', (event) => states.push(event));
    const release = connections.retain(target);
    try {
      const client = await connections.client(target);
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec('stream', (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      let received = 0;
      channel.on('data', (chunk: Buffer) => (received += chunk.length));

      // Twelve intervals without an answer to any keepalive, data all along: ssh2's own count gave
      // such a connection up after four.
      await pause(12 * INTERVAL_MS);
      expect(received).toBeGreaterThan(0);
      expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);

      streaming = false;
      while (!states.some((s) => s.state === 'disconnected')) await pause(INTERVAL_MS);
      expect(states.at(-1)).toMatchObject({
        state: 'disconnected',
        reason: 'The connection dropped; reconnecting.',
      });
    } finally {
      release();
      connections.closeAll();
    }
  });
});
