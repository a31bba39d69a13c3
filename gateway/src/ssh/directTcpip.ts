import type {
  AcceptConnection,
  Client as SshClient,
  ClientChannel,
  Connection,
  ServerChannel,
  TcpipRequestInfo,
} from 'ssh2';
import { ChannelOpenFailureReason, rejectChannelOpen, upstreamOpenFailure } from './channelOpenFailure.ts';
import { relayStream } from './channelRelay.ts';
import { channelFailureMessage, forAudit } from './nodeChannel.ts';
import type { ConnectionContext } from './nodeChannel.ts';
import { NodeAccessDenied, authorizeNode } from './nodeAuthorization.ts';
import type { UpstreamLease } from './UpstreamPool.ts';

/**
 * A `-L` port forward of a `NODEID-UID` connection. The gateway does not decide whether the
 * forward is allowed: it asks the node, as the real platform does, and passes the node's answer
 * back — including "administratively prohibited" when the node's sshd has forwarding off.
 */
export async function serveDirectTcpip(
  connection: Connection,
  accept: AcceptConnection<ServerChannel>,
  reject: () => void,
  info: TcpipRequestInfo,
  context: ConnectionContext,
  nodeId: number,
): Promise<void> {
  const startedAt = Date.now();
  const target = forAudit(`${info.destIP}:${info.destPort}`, 300);
  const record = (bytesToNode: number, bytesFromNode: number, error?: string) =>
    context.audit.record({
      event: 'channel',
      conn: context.conn,
      uid: context.uid,
      mode: 'direct',
      nodeId,
      channel: 'direct-tcpip',
      target,
      bytesToNode,
      bytesFromNode,
      ...(error ? { error } : {}),
      durationMs: Date.now() - startedAt,
    });

  let lease: UpstreamLease | undefined;
  let upstream: ClientChannel;
  try {
    const authorized = await authorizeNode(context.store, context.uid, nodeId);
    lease = await context.pool.acquire(nodeId, authorized.access, 'bulk', context.conn);
    upstream = await forwardOut(lease.client, info);
  } catch (error) {
    lease?.release();
    const fromNode = upstreamOpenFailure(error);
    const message = channelFailureMessage(error, nodeId);
    if (fromNode) {
      rejectChannelOpen(connection, reject, fromNode.reason, fromNode.description);
    } else {
      const reason =
        error instanceof NodeAccessDenied
          ? ChannelOpenFailureReason.AdministrativelyProhibited
          : ChannelOpenFailureReason.ConnectFailed;
      rejectChannelOpen(connection, reject, reason, message);
    }
    record(0, 0, fromNode ? `node refused: ${fromNode.description}` : message);
    return;
  }
  const channel = accept() as ServerChannel | undefined;
  if (!channel) {
    upstream.close();
    lease.release();
    record(0, 0, 'client went away before the forward was ready');
    return;
  }
  const outcome = await relayStream(channel, upstream, context.touch);
  lease.release();
  record(outcome.bytesToNode, outcome.bytesFromNode);
}

function forwardOut(client: SshClient, info: TcpipRequestInfo): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut(info.srcIP, info.srcPort, info.destIP, info.destPort, (error, channel) =>
      error ? reject(error) : resolve(channel),
    );
  });
}
