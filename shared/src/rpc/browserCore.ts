import { createCoreClient, type CoreContract } from '../contract.ts';
import { Cancelled } from '../errors.ts';
import type { RpcChannel } from './protocol.ts';
import { webSocketChannel, type WebSocketLike } from './webSocketChannel.ts';

/** What the shim needs of a WebSocket beyond the channel: opening, closing, and hearing either. */
export interface ConnectingWebSocket extends WebSocketLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  close(code?: number, reason?: string): void;
}

export interface BrowserCoreOptions {
  /** Called once when the connection ends after it was open (the host stopped, the network dropped). */
  onClose?(event: { code: number; reason: string }): void;
  /** The WebSocket class; the browser's global one by default (tests in Node pass `ws`'s). */
  WebSocket?: new (url: string) => ConnectingWebSocket;
}

/** The browser host could not be reached, or refused the page (an old token, another origin). */
export class CoreUnreachable extends Error {
  override readonly name = 'CoreUnreachable';
}

/**
 * The page's side of the browser host (`npm run start:web`): opens the WebSocket at `url` (e.g.
 * `ws://127.0.0.1:PORT/rpc`) with the page's token and returns the same typed core that the preload
 * exposes as `window.enscale` in the desktop app. Once the connection ends, pending and later calls
 * fail with `Cancelled`; reconnecting means calling this again.
 */
export function connectBrowserCore(
  url: string,
  token: string,
  options: BrowserCoreOptions = {},
): Promise<CoreContract> {
  const endpoint = new URL(url);
  endpoint.searchParams.set('token', token);
  const Socket = options.WebSocket ?? (globalThis.WebSocket as unknown as BrowserCoreOptions['WebSocket']);
  if (!Socket) return Promise.reject(new CoreUnreachable('This runtime has no WebSocket.'));
  const socket = new Socket(endpoint.href);

  return new Promise((resolve, reject) => {
    let opened = false;
    let closed = false;
    const base = webSocketChannel(socket);
    const channel: RpcChannel = {
      send(message) {
        if (closed) throw new Cancelled('The connection to the app core was closed.');
        base.send(message);
      },
      onMessage: (listener) => base.onMessage(listener),
    };
    const { client, core } = createCoreClient(channel);

    socket.addEventListener('open', () => {
      opened = true;
      resolve(core);
    });
    // A refused upgrade (401, 403) reaches the page only as an error followed by a close.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', (event) => {
      closed = true;
      client.close('The connection to the app core was closed.');
      if (!opened) {
        reject(
          new CoreUnreachable(
            `Could not connect to the app core at ${url}: is the browser host still running, and is this page's token its current one?`,
          ),
        );
        return;
      }
      options.onClose?.({ code: event.code, reason: event.reason });
    });
  });
}
