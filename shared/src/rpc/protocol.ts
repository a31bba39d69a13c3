import type { SerializedError } from '../errors.ts';

/**
 * The RPC's messages. They are structured-clone safe (MessagePort, Electron's MessagePortMain) and
 * JSON safe apart from binary payloads, which a JSON transport encodes itself.
 */
export type RpcMessage =
  | {
      kind: 'request';
      id: number;
      service: string;
      method: string;
      args: unknown[];
      /** Index of the argument whose `signal` the client removed; the host supplies a live one. */
      signalArg?: number;
    }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: SerializedError }
  | { kind: 'cancel'; id: number }
  | { kind: 'event'; service: string; event: string; payload: unknown };

/** Anything that carries RPC messages both ways: a MessagePort, a WebSocket, a worker. */
export interface RpcChannel {
  send(message: RpcMessage): void;
  /** Registers the one receiver of incoming messages; returns a function that stops it. */
  onMessage(listener: (message: RpcMessage) => void): () => void;
}

/** Options a cancellable method takes as its last argument. */
export interface CallOptions {
  signal?: AbortSignal;
}
