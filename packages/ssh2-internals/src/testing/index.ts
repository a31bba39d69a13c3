/*
 * Tools for tests that must make ssh2 misbehave: a hostile client's raw channel requests, a server
 * that leaves keepalives unanswered, an SFTP server that seems not to offer an extension. Not for
 * the app or the gateway (lint keeps them out); kept here so that every reach into ssh2's private
 * fields is in this package.
 */
import type { Socket } from 'node:net';
import type ssh2 from 'ssh2';
import type { Connection, SFTPWrapper } from 'ssh2';

export { RawSession } from './rawChannels.ts';

/** A server connection that answers no global request (keepalives included): a link gone silent. */
export function ignoreGlobalRequests(connection: Connection): void {
  const internals = connection as unknown as { _protocol: { _handlers: Record<string, unknown> } };
  internals._protocol._handlers.GLOBAL_REQUEST = () => undefined;
}

/** The socket under an ssh2 client (its `sock` when it made one itself). */
export function clientSocket(client: ssh2.Client): Socket {
  return (client as unknown as { _sock: Socket })._sock;
}

/** Makes the SFTP client believe the server did not announce extension `name`. */
export function forgetSftpExtension(sftp: SFTPWrapper, name: string): void {
  Reflect.deleteProperty((sftp as unknown as { _extensions: Record<string, string> })._extensions, name);
}
