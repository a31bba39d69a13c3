import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpPost } from '../../../electron/core/platform/httpPost.ts';

/**
 * The platform API's HTTP exchange (node:http in place of fetch): what a real server and an odd one
 * answer, read as the API reads it.
 */
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server answering each request with `answer`; resolves with its URL. */
async function serve(answer: (body: string, response: ServerResponse) => void): Promise<string> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => answer(body, response));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0/users/authentication/rest/signin`;
}

describe('httpPost', () => {
  it('sends the form and reads the whole answer, in UTF-8', async () => {
    const url = await serve((body, response) => {
      response.setHeader('content-type', 'application/json');
      response.write('{"result":0,"echo":');
      response.end(`${JSON.stringify(body)},"name":"Müller"}`);
    });
    const answer = await httpPost(url, 'login=a%40b&password=%C3%BC', 5_000);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      result: 0,
      echo: 'login=a%40b&password=%C3%BC',
      name: 'Müller',
    });
  });

  it('does not follow a redirect: the status and the Location come back', async () => {
    const url = await serve((_body, response) => {
      response.writeHead(302, { location: 'https://elsewhere.example/1.0/x' });
      response.end();
    });
    expect(await httpPost(url, 'a=1', 5_000)).toEqual({
      status: 302,
      location: 'https://elsewhere.example/1.0/x',
      body: '',
    });
  });

  it('gives up when the body trickles past the deadline, and when the server hangs up mid-body', async () => {
    let trickle: NodeJS.Timeout | undefined;
    const slow = await serve((_body, response) => {
      response.writeHead(200);
      trickle = setInterval(() => response.write(' '), 50);
    });
    await expect(httpPost(slow, 'a=1', 400)).rejects.toThrow(/no answer within 0.4 s/);
    clearInterval(trickle);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));

    const cut = await serve((_body, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('{"result":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await expect(httpPost(cut, 'a=1', 5_000)).rejects.toThrow(/closed mid-answer|aborted|socket hang up/);
  });
});
