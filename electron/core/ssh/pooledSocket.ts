import { PacketPool, poolPackets } from '@enscale-ssh/ssh2-internals';
import type { Socket } from 'node:net';
import type ssh2 from 'ssh2';

/**
 * Sets up `socket`, the one `client` is about to use (ssh2's `sock` option), so the client's large
 * outgoing packets reuse buffers of a pool of its own and the packets of one callback leave in one
 * `writev` (packages/ssh2-internals, packetPool.ts).
 */
export function poolOutgoingPackets(client: ssh2.Client, socket: Socket): PacketPool {
  const pool = new PacketPool();
  poolPackets(client, socket, pool);
  return pool;
}
