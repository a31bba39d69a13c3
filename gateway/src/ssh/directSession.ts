import type { ClientChannel, ServerChannel, Session } from 'ssh2';
import type { AuditEvent } from './AuditLog.ts';
import { relaySession } from './channelRelay.ts';
import type { RelayOutcome } from './channelRelay.ts';
import { channelFailureMessage, forAudit, openNodeSession, refuse } from './nodeChannel.ts';
import type {
  ConnectionContext,
  SessionRequest,
  TerminalRequest,
  EnvironmentRequest,
} from './nodeChannel.ts';
import { collectSessionSetup } from './sessionSetup.ts';
import { authorizeNode } from './nodeAuthorization.ts';
import type { UpstreamLease } from './UpstreamPool.ts';

type ChannelAudit = Extract<AuditEvent, { event: 'channel' }>;

/**
 * One session channel of a `NODEID-UID` connection, relayed to the node request by request:
 * pty-req, env and window-change are kept until the session starts and then handed to the node;
 * shell / exec / sftp start it; signals follow it. Authorization is checked again here, so every
 * channel sees the environment's current state.
 */
export function serveDirectSession(session: Session, context: ConnectionContext, nodeId: number): void {
  let upstream: ClientChannel | undefined;
  const setup = collectSessionSetup(session, (rows, cols, height, width) =>
    upstream?.setWindow(rows, cols, height, width),
  );
  session.on('signal', (accept, _reject, info) => {
    try {
      upstream?.signal(info.name);
    } catch {
      // ssh2 throws on names outside RFC 4254; the node would ignore them anyway.
    }
    accept?.();
  });

  const start = (request: SessionRequest, channel: ServerChannel | undefined) => {
    // ssh2 hands out no channel when the client already gave up on the session.
    if (!channel) return;
    void runSession(channel, request, context, nodeId, setup.terminal(), setup.env, (opened) => {
      upstream = opened;
    });
  };
  // Accept synchronously: ssh2 1.17 drops a session whose accept() runs after an await (an EOF
  // that arrives meanwhile ends it). Data that arrives before the node is ready waits, unread,
  // in the channel — and its unread bytes hold back the window, so nothing piles up.
  session.on('shell', (accept) => start({ kind: 'shell' }, accept() as ServerChannel | undefined));
  session.on('exec', (accept, _reject, info) =>
    start({ kind: 'exec', command: info.command }, accept() as ServerChannel | undefined),
  );
  session.on('subsystem', (accept, reject, info) => {
    if (info.name !== 'sftp') {
      reject?.();
      return;
    }
    start({ kind: 'sftp' }, accept() as ServerChannel | undefined);
  });
}

async function runSession(
  channel: ServerChannel,
  request: SessionRequest,
  context: ConnectionContext,
  nodeId: number,
  terminal: TerminalRequest | undefined,
  env: EnvironmentRequest,
  onOpened: (upstream: ClientChannel) => void,
): Promise<void> {
  const startedAt = Date.now();
  let clientGone = false;
  channel.once('close', () => {
    clientGone = true;
  });
  const record = (outcome: RelayOutcome, error?: string) => {
    const event: ChannelAudit = {
      event: 'channel',
      conn: context.conn,
      uid: context.uid,
      mode: 'direct',
      nodeId,
      channel: request.kind,
      ...(request.kind === 'exec' ? { command: forAudit(request.command) } : {}),
      pty: terminal !== undefined,
      env: env.names(),
      ...outcome,
      ...(error ? { error } : {}),
      durationMs: Date.now() - startedAt,
    };
    context.audit.record(event);
  };

  let lease: UpstreamLease | undefined;
  let upstream: ClientChannel;
  try {
    const target = await authorizeNode(context.store, context.uid, nodeId);
    // A session with a terminal is someone typing; everything else moves data.
    const lane = terminal !== undefined && request.kind !== 'sftp' ? 'terminal' : 'bulk';
    lease = await context.pool.acquire(nodeId, target.access, lane, context.conn);
    upstream = await openNodeSession(lease.client, request, terminal, env);
  } catch (error) {
    lease?.release();
    const message = channelFailureMessage(error, nodeId);
    refuse(channel, message, terminal !== undefined);
    record({ bytesToNode: 0, bytesFromNode: 0, exitStatus: 1 }, message);
    return;
  }
  if (clientGone) {
    upstream.close();
    lease.release();
    record({ bytesToNode: 0, bytesFromNode: 0 }, 'client closed the channel before the node was ready');
    return;
  }
  onOpened(upstream);
  const outcome = await relaySession(channel, upstream, context.touch);
  lease.release();
  record(outcome);
}
