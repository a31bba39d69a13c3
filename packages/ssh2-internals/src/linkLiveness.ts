import type { Socket } from 'node:net';

/**
 * Calls `silent` once nothing at all has arrived on `socket` for `silentIntervalsMax + 1` intervals in a
 * row; returns a function that stops watching.
 *
 * ssh2's client counts only answers to its keepalives, and an answer queues behind whatever the server
 * sent before it: a connection busy delivering a download through a loaded gateway could be given up
 * while data was arriving the whole time. So ssh2 only sends the keepalives (one per interval, which a
 * live idle server answers) and this decides, counting any byte as a sign of life — what OpenSSH's
 * ServerAliveInterval does.
 */
export function watchLiveness(
  socket: Socket,
  intervalMs: number,
  silentIntervalsMax: number,
  silent: () => void,
): () => void {
  if (intervalMs <= 0) return () => undefined;
  let heard = true;
  let silentIntervals = 0;
  const onData = () => {
    heard = true;
  };
  socket.on('data', onData);
  const timer = setInterval(() => {
    if (heard) {
      heard = false;
      silentIntervals = 0;
      return;
    }
    if (++silentIntervals > silentIntervalsMax) {
      stop();
      silent();
    }
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    socket.off('data', onData);
  };
  return stop;
}
