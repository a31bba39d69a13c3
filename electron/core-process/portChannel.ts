import type { RpcChannel, RpcMessage } from '../../shared/src/rpc/protocol.ts';

/** The part of Electron's `MessagePortMain` the RPC uses: an EventEmitter rather than a DOM port. */
export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
}

/**
 * An {@link RpcChannel} over a `MessagePortMain`. Messages travel by structured clone, so bytes stay
 * bytes. The port queues what arrives until `start()`, which runs once the receiver is in place.
 */
export function messagePortMainChannel(port: MessagePortMainLike): RpcChannel {
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: { data: unknown }) => {
        const message = event.data;
        // The page is the less trusted side: anything that is not an RPC message is dropped.
        if (typeof message === 'object' && message !== null && 'kind' in message)
          listener(message as RpcMessage);
      };
      port.on('message', handler);
      port.start();
      return () => port.off('message', handler);
    },
  };
}
