import { request as httpRequest, type IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import { lazyModule } from '../system/lazyModule.ts';

/** TLS is loaded for an https platform only: the sandbox and a test platform speak http. */
const https = lazyModule<typeof Https>('node:https');

/** What the platform API needs of an HTTP answer. */
export interface HttpAnswer {
  status: number;
  /** The Location header, for a redirect. */
  location: string | null;
  body: string;
}

export type HttpPost = (url: string, body: string, timeoutMs: number) => Promise<HttpAnswer>;

/** A platform's answer is an envelope of JSON; a server sending more than this is not one. */
const MAX_BODY_BYTES = 64 * 2 ** 20;

/**
 * One form POST over node:http(s), the answer read whole. Not `fetch`: Node compiles fetch's
 * implementation (undici) at its first use, 30–40 ms of CPU, an eighth of `enscale-ssh envs`
 * (measured with --cpu-prof). Like the fetch it replaces it follows no redirect, checks TLS
 * certificates, and its deadline covers the whole exchange, a body that trickles in included.
 */
export const httpPost: HttpPost = (url, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https().request : httpRequest)(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    request.once('error', fail);
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new Error('the answer is larger than 64 MiB'));
        else chunks.push(chunk);
      });
      response.once('error', fail);
      response.once('close', () => {
        if (!response.complete) fail(new Error('the connection closed mid-answer'));
      });
      response.once('end', () => {
        clearTimeout(timer);
        const location = response.headers.location;
        resolve({
          status: response.statusCode ?? 0,
          location: location ?? null,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.end(body);
  });
