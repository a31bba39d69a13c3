import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcHost, type Exposed } from '../../shared/src/rpc/RpcHost.ts';
import { webSocketChannel } from '../../shared/src/rpc/webSocketChannel.ts';
import { newToken, refuseUpgrade } from './access.ts';
import { securityHeaders } from './securityHeaders.ts';
import { sendJson, StagingArea } from './staging.ts';
import { notBuiltPage, serveStatic } from './staticFiles.ts';

export interface WebHostOptions {
  /** What the page may call: `core.exposed()`. */
  services: Record<string, Exposed>;
  /** The folder of the built renderer. */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Where files dropped on the page are staged for upload (emptied when the host stops). */
  stagingDir: string;
}

const HOST = '127.0.0.1';
/** Long enough for the close frame to leave; a page that does not answer it is cut off. */
const CLOSE_GRACE_MS = 1000;
const STATUS_TEXT = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' } as const;

/**
 * The core for a browser page: static files of the built renderer, and the RPC over a WebSocket at
 * `/rpc`, on 127.0.0.1 only, for pages holding the token. Each socket gets its own RpcHost, closed
 * with the socket, so a page that reloads or reconnects simply starts over on the same core.
 */
export class WebHost {
  private readonly sockets = new Set<WebSocket>();
  private readonly staging: StagingArea;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    /** `http://127.0.0.1:PORT`: the only origin whose pages may connect. */
    readonly origin: string,
    readonly token: string,
    stagingDir: string,
  ) {
    this.staging = new StagingArea(stagingDir, origin, token);
  }

  /** The address to open: the page finds its token in it. */
  get url(): string {
    return `${this.origin}/?token=${this.token}`;
  }

  static async start(options: WebHostOptions): Promise<WebHost> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    // Terminal output is at most 100 KB a message; nothing the page sends comes near the limit.
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
    const host = new WebHost(server, wss, `http://${HOST}:${port}`, newToken(), options.stagingDir);
    server.on('request', (request, response) => host.request(request, response, options.staticDir));
    server.on('upgrade', (request, socket, head) => host.upgrade(request, socket, head, options.services));
    return host;
  }

  /** Closes every page's connection and the server. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.sockets].map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.close(1001, 'The browser host is stopping.');
          }),
      ),
    );
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.staging.clear();
  }

  private request(request: IncomingMessage, response: ServerResponse, staticDir: string): void {
    const headers = securityHeaders(this.origin);
    const plain = (status: number, text: string) => {
      response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`${text}\n`);
    };
    if (request.headers.host !== new URL(this.origin).host) {
      plain(421, `Open ${this.origin}/ (the address the browser host printed).`);
      return;
    }
    if (this.staging.handles(request)) {
      this.staging.answer(request).then(
        (answer) => sendJson(response, headers, answer),
        () => sendJson(response, headers, { status: 500, body: { error: 'The file could not be staged.' } }),
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      plain(405, 'Method not allowed.');
      return;
    }
    const path = (request.url ?? '/').split(/[?#]/, 1)[0];
    if (!existsSync(staticDir) && (path === '/' || path === '/index.html')) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : notBuiltPage(staticDir));
      return;
    }
    serveStatic(request, response, staticDir, headers).catch(() => {
      if (!response.headersSent) plain(500, 'The file could not be read.');
      else response.destroy();
    });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, services: Record<string, Exposed>) {
    // A page that goes away mid-handshake is no error of the host's.
    socket.on('error', () => socket.destroy());
    const refusal = refuseUpgrade(request, this.origin, this.token);
    if (refusal) {
      const body = `${refusal.message}\n`;
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\n` +
          'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.sockets.add(ws);
      const rpc = new RpcHost(webSocketChannel(ws), services);
      ws.on('error', () => ws.terminate());
      ws.once('close', () => {
        rpc.close();
        this.sockets.delete(ws);
      });
    });
  }
}
