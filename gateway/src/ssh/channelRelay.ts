import type { Readable, Writable } from 'node:stream';
import type { ClientChannel, ServerChannel } from 'ssh2';

/** What one relayed channel moved and how it ended, for the audit log. */
export interface RelayOutcome {
  bytesToNode: number;
  bytesFromNode: number;
  exitStatus?: number;
  exitSignal?: string;
}

type ExitInfo = { status: number } | { signal: string; coreDumped: boolean; message: string };

/*
 * Backpressure: everything below moves data with pipe(), which stops reading a source while its
 * destination's buffer is full. ssh2 turns a full readable buffer into a withheld window
 * adjustment, so a reader that stalls on either side stalls the writer on the other side, and the
 * gateway holds at most a couple of channel windows (2 MiB each) per channel in memory.
 */

/**
 * Relays an exec / shell / sftp session. The client's EOF reaches the node (so `cat > file`
 * finishes), the node's output is delivered completely, then its exit status or signal, then
 * EOF and close — the order OpenSSH clients rely on to exit with the remote command's status.
 */
export function relaySession(
  client: ServerChannel,
  upstream: ClientChannel,
  onActivity: () => void,
): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const outcome = countBytes(client, upstream, onActivity);
    watchExit(upstream);
    client.pipe(upstream);
    upstream.pipe(client, { end: false });
    upstream.stderr.pipe(client.stderr, { end: false });

    const settle = once(() => {
      const exit = exits.get(upstream);
      if (exit && 'status' in exit) outcome.exitStatus = exit.status;
      if (exit && 'signal' in exit) outcome.exitSignal = exit.signal;
      resolve(outcome);
    });
    const upstreamDone = Promise.all([closed(upstream), closed(upstream.stderr)]);
    void upstreamDone.then(async () => {
      // A client still writing to a node channel that is gone would never get a write callback.
      client.unpipe(upstream);
      await drained(client.stderr, client);
      const exit = exits.get(upstream);
      if (exit) sendExit(client, exit);
      client.end();
      settle();
    });
    client.once('close', () => {
      upstream.close();
      settle();
    });
  });
}

/*
 * The node's exit status, recorded from the moment its channel exists. ssh2 handles a whole socket
 * read in one go: a quick command's exit-status can arrive in the same read as the channel's opening
 * and be emitted before whoever awaits that opening can listen — the client then got its output but no
 * status (most of 384 commands run 48 at a time: gateway/test/reliability/exitStatus.test.ts).
 * `openNodeSession` calls `watchExit` as soon as the channel is there.
 */
const exits = new WeakMap<ClientChannel, ExitInfo>();
const watched = new WeakSet<ClientChannel>();

export function watchExit(upstream: ClientChannel): void {
  if (watched.has(upstream)) return;
  watched.add(upstream);
  upstream.once('exit', (code: number | null, signal?: string, coreDumped?: boolean, message?: string) => {
    exits.set(
      upstream,
      code === null
        ? { signal: signal ?? 'SIGKILL', coreDumped: coreDumped === true, message: message ?? '' }
        : { status: code },
    );
  });
}

/**
 * Relays a direct-tcpip channel: bytes both ways, and when either side closes the other follows.
 */
export function relayStream(
  client: ServerChannel,
  upstream: ClientChannel,
  onActivity: () => void,
): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const outcome = countBytes(client, upstream, onActivity);
    client.pipe(upstream);
    upstream.pipe(client);
    const settle = once(() => {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.close();
      upstream.close();
      resolve(outcome);
    });
    client.once('close', settle);
    upstream.once('close', () => {
      // Let what the node sent last reach the client before the channel goes.
      void drained(client).then(settle);
    });
  });
}

/**
 * Connects the menu's terminal to a node shell until that shell ends, leaving the client channel
 * open so the menu can take over again. The client's keystrokes go to the node as they are.
 */
export function relayTerminal(
  client: ServerChannel,
  upstream: ClientChannel,
  onActivity: () => void,
): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const outcome = countBytes(client, upstream, onActivity);
    client.pipe(upstream, { end: false });
    upstream.pipe(client, { end: false });
    upstream.stderr.pipe(client.stderr, { end: false });
    const settle = once(() => {
      client.unpipe(upstream);
      upstream.unpipe(client);
      upstream.stderr.unpipe(client.stderr);
      upstream.close();
      resolve(outcome);
    });
    upstream.once('close', settle);
    client.once('close', settle);
  });
}

/** Counts bytes for the audit log and reports traffic for the idle timeout; no per-chunk copies. */
function countBytes(client: ServerChannel, upstream: ClientChannel, onActivity: () => void): RelayOutcome {
  const outcome: RelayOutcome = { bytesToNode: 0, bytesFromNode: 0 };
  const toNode = (chunk: Buffer) => {
    outcome.bytesToNode += chunk.length;
    onActivity();
  };
  const fromNode = (chunk: Buffer) => {
    outcome.bytesFromNode += chunk.length;
    onActivity();
  };
  client.on('data', toNode);
  upstream.on('data', fromNode);
  upstream.stderr.on('data', fromNode);
  // Detach with the streams so a menu that bridges many shells does not pile up listeners.
  upstream.once('close', () => {
    client.off('data', toNode);
  });
  return outcome;
}

function sendExit(client: ServerChannel, exit: ExitInfo): void {
  try {
    if ('status' in exit) client.exit(exit.status);
    else client.exit(exit.signal, exit.coreDumped, exit.message);
  } catch {
    // ssh2 refuses signal names outside RFC 4254's list; an exit status still tells the client
    // the command did not succeed, which is what a script needs.
    client.exit(255);
  }
}

/** Resolves once a readable has emitted 'close' (or already has). */
export function closed(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed || stream.destroyed) return resolve();
    stream.once('close', () => resolve());
  });
}

/**
 * Resolves once a writable has handed everything written so far on (an empty write's callback runs
 * after all earlier writes), or once `owner` — the channel it belongs to — closes.
 */
export function drained(stream: Writable, owner: Readable | Writable = stream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed || !stream.writable) return resolve();
    const done = () => {
      owner.off('close', done);
      resolve();
    };
    owner.once('close', done);
    stream.write(Buffer.alloc(0), () => done());
  });
}

/** Runs `action` the first time only: several events may each end a relay. */
function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
