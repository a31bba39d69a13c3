import type { Socket } from 'node:net';

/**
 * Makes a socket hand over at most one read per turn of the event loop.
 *
 * libuv reads a ready socket up to 32 times (64 KiB each) before it looks at the next one, and ssh2
 * decrypts and relays each read at once. With many clients uploading, one turn could then work through
 * megabytes per socket, and a keystroke arriving on another socket waited behind all of it (1.6 s at
 * the median with 200 sessions transferring: docs/reliability.md). Pausing after each read and resuming
 * in the next turn's check phase serves the sockets in rotation instead, a read each.
 *
 * Call it after the socket has a reader (ssh2's `injectSocket` or `sock` option): ssh2 pauses the
 * socket until its key exchange is set up and resumes it then, and never pauses it afterwards; a paused
 * socket emits no data, so each pause here is matched by exactly one resume.
 */
export function takeTurns(socket: Socket): void {
  const resume = () => {
    if (!socket.destroyed) socket.resume();
  };
  socket.on('data', () => {
    socket.pause();
    setImmediate(resume);
  });
}
