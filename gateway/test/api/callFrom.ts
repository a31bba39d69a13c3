import { request } from 'node:http';
import type { ApiParams, ApiReply } from '../support/api.ts';

/**
 * A form POST to the platform API from a chosen loopback address (any of 127.0.0.0/8 works on
 * Linux), optionally with extra headers: what two callers on different computers look like to the API.
 */
export function callFrom(
  localAddress: string,
  base: string,
  path: string,
  params: ApiParams,
  headers: Record<string, string> = {},
): Promise<ApiReply> {
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/1.0/${path}`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ApiReply['body'] });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
