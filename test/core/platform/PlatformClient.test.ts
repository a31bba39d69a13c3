import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';
import {
  AuthenticationFailed,
  InvalidInput,
  PermissionDenied,
  PlatformUnreachable,
  SignedOut,
} from '../../../shared/src/errors.ts';

let sandbox: Sandbox;
let client: PlatformClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'platform-client-'));
  sandbox = await Sandbox.start({ apiPort: 0 });
  client = new PlatformClient({ baseUrl: sandbox.ready.api });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PlatformClient against the sandbox API', () => {
  it('signs in and reads the account', async () => {
    const result = await client.signIn('demo@sandbox.local', 'demo');
    if (result.codeRequired) throw new Error('demo has no two-factor authentication');
    const { session, account } = result;
    expect(account).toEqual({ uid: 4856, email: 'demo@sandbox.local', name: 'Demo User' });
    expect(await client.account(session)).toEqual(account);
    expect(await client.checkSession(session)).toBe(true);
    await client.signOut(session);
    expect(await client.checkSession(session)).toBe(false);
  });

  it('turns a wrong password into AuthenticationFailed with the platform’s words', async () => {
    await expect(client.signIn('demo@sandbox.local', 'wrong')).rejects.toThrow(AuthenticationFailed);
    await expect(client.signIn('demo@sandbox.local', 'wrong')).rejects.toThrow('Wrong login or password.');
    await expect(client.signIn(' ', '')).rejects.toThrow(InvalidInput);
  });

  it('reports an expired session as SignedOut', async () => {
    const { session } = await client.signIn('demo@sandbox.local', 'demo');
    await client.signOut(session);
    await expect(client.environments(session)).rejects.toThrow(SignedOut);
  });

  it('lists environments and nodes as typed models', async () => {
    const { session } = await client.signIn('demo@sandbox.local', 'demo');
    const envs = await client.environments(session);
    expect(envs.map((env) => [env.envName, env.status])).toEqual([
      ['analytics', 1],
      ['shop', 1],
      ['staging', 2],
    ]);
    expect(envs[0]!.nodes).toEqual([
      expect.objectContaining({ id: 518860, nodeGroup: 'sqldb', nodeType: 'postgresql', running: true }),
    ]);
    const shop = envs[1]!;
    expect(shop.nodes).toEqual([
      expect.objectContaining({
        id: 518839,
        nodeGroup: 'cp',
        nodeGroupName: 'Application Servers',
        nodeType: 'apache2',
        isMaster: true,
        intIP: '10.101.1.11',
        extIPs: ['203.0.113.39'],
        running: true,
      }),
      expect.objectContaining({ id: 518840, nodeGroup: 'sqldb', nodeType: 'mariadb', running: true }),
    ]);
    expect(envs[2]!.nodes[0]).toMatchObject({ id: 518850, running: false });
    expect((await client.environment(session, 'shop')).nodes.map((n) => n.id)).toEqual([518839, 518840]);
  });

  it('keeps the platform’s message for refusals that are not about the session', async () => {
    const { session } = await client.signIn('demo@sandbox.local', 'demo');
    const error = await client.environment(session, 'blog').catch((e: unknown) => e);
    // 8202 with a valid session: not allowed, never "signed out", and the platform's words kept.
    expect(error).toBeInstanceOf(PermissionDenied);
    expect(error).toMatchObject({
      message:
        "The platform refused environment.Control.GetEnvInfo (permission denied): You have no access to environment 'blog'.",
      details: { result: 8202, method: 'environment.Control.GetEnvInfo' },
    });
    expect(await client.checkSession(session)).toBe(true);
    await expect(client.stopEnvironment(session, 'staging')).rejects.toThrow(/ENV_STATUS_TYPE_DOWN/);
  });

  it('starts and stops an environment', async () => {
    const { session } = await client.signIn('demo@sandbox.local', 'demo');
    await client.startEnvironment(session, 'staging');
    expect((await client.environment(session, 'staging')).nodes[0]?.running).toBe(true);
    await client.stopEnvironment(session, 'staging');
    expect((await client.environment(session, 'staging')).status).toBe(2);
  });

  it('adds, lists and deletes dashboard keys', async () => {
    const { session } = await client.signIn('other@sandbox.local', 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    const publicKey = readFileSync(join(dir, 'k.pub'), 'utf8');
    const key = await client.addKey(session, 'Work laptop', publicKey);
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'k.pub')], {
      encoding: 'utf8',
    });
    expect(key).toMatchObject({ title: 'Work laptop', fingerprint: md5.split(' ')[1]!.replace('MD5:', '') });
    expect((await client.listKeys(session)).map((k) => k.id)).toContain(key.id);
    await expect(client.addKey(session, 'again', publicKey)).rejects.toMatchObject({
      details: { result: 6001 },
    });
    await client.deleteKey(session, key.id);
    expect((await client.listKeys(session)).map((k) => k.id)).not.toContain(key.id);
  });
});

describe('PlatformClient against something that is not the platform', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('says the address is not the platform API', async () => {
    await expect(new PlatformClient({ baseUrl: url }).signIn('a', 'b')).rejects.toThrow(
      /not the platform API\. Check the address/,
    );
  });

  it('says the platform cannot be reached', async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 1;
    const error = await new PlatformClient({ baseUrl: `http://127.0.0.1:${port}` })
      .signIn('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformUnreachable);
    expect((error as Error).message).toMatch(/Cannot reach the platform at http:\/\/127\.0\.0\.1:\d+ \(.*\)/);
  });
});
