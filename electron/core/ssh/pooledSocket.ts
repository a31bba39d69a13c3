import { allocatePacketsFrom } from '@enscale-ssh/ssh2-internals';
import type { Socket } from 'node:net';
import type ssh2 from 'ssh2';
import { PacketPool } from './PacketPool.ts';

// The swap of ssh2's packet allocator is one of the hacks fenced in packages/ssh2-internals.

/**
 * Sets up `socket`, the one `client` is about to use (ssh2's `sock` option), so the client's large
 * outgoing packets reuse pooled buffers — from its first handshake on and after every re-key, whose new
 * cipher starts out with ssh2's allocator — and so the packets written in one turn of the event loop
 * leave in one `writev` rather than one system call each.
 */
export function poolOutgoingPackets(client: ssh2.Client, socket: Socket): PacketPool {
  const pool = new PacketPool();
  client.on('handshake', () => allocatePacketsFrom(client, pool));

  // Typed loosely: `write` has several overloads, and this only passes calls through.
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    // ssh2 calls `write(packet)` with nothing else; the callback added here brings a pooled buffer back.
    if (!(chunk instanceof Uint8Array) || rest.length > 0) return write(chunk, ...rest);
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(chunk, () => pool.release(chunk));
  }) as Socket['write'];
  return pool;
}
