import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { ExecResult } from '../../../shared/src/exec.ts';

/** A command running on a node: its channel (stdin, stdout, stderr) and how it ended. */
export interface RemoteCommand {
  channel: ClientChannel;
  /** Settles when the channel has closed: the exit status, or nulls when the node sent none. */
  ended: Promise<ExecResult>;
}

/** Where exec channels come from: ExecSessions' commands and the engine's folder uploads. */
export interface RemoteCommands {
  start(target: ConnectionTarget, command: string): Promise<RemoteCommand>;
}

/** What `commandsOver` needs of a connection pool; `GatewayConnections` is one. */
export interface CommandConnections {
  client(target: ConnectionTarget): Promise<ssh2.Client>;
  /** Keeps the connection while a command runs, when the pool would otherwise close it. */
  retain?(target: ConnectionTarget): () => void;
}

/** Exec channels on the pool's shared connection to each target. */
export function commandsOver(connections: CommandConnections): RemoteCommands {
  return {
    async start(target, command) {
      const client = await connections.client(target);
      let exit: ExecResult = { code: null, signal: null };
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec(command, (error, stream) => {
          if (error) return reject(error);
          // In the callback, not after an await: a gateway that refuses the node (a stopped
          // environment) answers, writes why, exits and closes in one read, and ssh2 emits 'exit'
          // while it parses it; a listener added later missed it (status 255 instead of 1).
          stream.on('exit', (code: number | null, signal?: string) => {
            exit = { code: signal ? null : code, signal: signal ?? null };
          });
          resolve(stream);
        }),
      );
      const release = connections.retain?.(target);
      const ended = new Promise<ExecResult>((resolve) =>
        channel.once('close', () => {
          release?.();
          resolve(exit);
        }),
      );
      return { channel, ended };
    },
  };
}
