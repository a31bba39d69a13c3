import type { RpcChannel, RpcMessage } from './protocol.ts';

/** The part of a MessagePort (browser, Node's worker_threads, Electron's preload) the RPC uses. */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start?(): void;
}

/** An {@link RpcChannel} over a MessagePort; messages travel by structured clone. */
export function messagePortChannel(port: MessagePortLike): RpcChannel {
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: { data: unknown }) => listener(event.data as RpcMessage);
      port.addEventListener('message', handler);
      port.start?.();
      return () => port.removeEventListener('message', handler);
    },
  };
}
