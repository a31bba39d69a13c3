import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/runCli.ts';

/*
 * The app follows a platform from http to https on the same host; the way back must stay shut: an
 * https API that redirects to http (a proxy misconfigured, or someone who can answer for it) would
 * have the token sent again in clear text. A real TLS server, trusted as a user's OS would trust it.
 */
let dir: string;
let cert: string;
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'api-downgrade-'));
  const key = join(dir, 'tls.key');
  cert = join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

describe('an https platform address', () => {
  it('is never followed down to http, and the http side sees no request', async () => {
    const plainRequests: string[] = [];
    const plain = await listen(
      createServer((req, res) => {
        plainRequests.push(req.url ?? '');
        res.writeHead(500).end();
      }),
    );
    const tls = await listen(
      createTlsServer({ key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(cert) }, (req, res) =>
        res.writeHead(307, { location: `http://127.0.0.1:${plain}${req.url ?? '/'}` }).end(),
      ),
    );
    const profile = join(dir, 'profile');
    const use = await runCli(profile, [
      'platform',
      'use',
      `https://127.0.0.1:${tls}`,
      '--gateway',
      '127.0.0.1:3022',
    ]);
    expect(use.code, use.stderr).toBe(0);
    const envs = await runCli(profile, ['--json', 'envs'], undefined, {
      ENSCALE_SSH_TOKEN: 'a-token-that-must-not-travel-in-clear-text',
      NODE_EXTRA_CA_CERTS: cert,
    });
    expect(envs.code).not.toBe(0);
    expect(envs.stderr).toContain(`redirects to http://127.0.0.1:${plain}/1.0/`);
    expect(plainRequests).toEqual([]);
  });
});
