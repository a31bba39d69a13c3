import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVER_LIMIT_NOTICES, UserConnections } from '../../src/ssh/UserConnections.ts';
import { exec, login } from '../reliability/support/sshClient.ts';
import {
  DEMO_UID,
  GatewayFixture,
  SHOP_APACHE,
  collect,
  makeKey,
  registerKey,
  type UserKey,
} from './helpers.ts';

describe('connections per user', () => {
  let fx: GatewayFixture;
  let key: UserKey;
  const clients: Client[] = [];

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
  });
  afterAll(async () => {
    for (const client of clients) client.end();
    await fx?.stop();
  });

  it('counts and releases places per uid, and only a few over the limit are told why', () => {
    const users = new UserConnections(2, 1);
    const admitted = [users.admit(1), users.admit(1), users.admit(1), users.admit(1), users.admit(2)];
    expect(admitted).toEqual(['open', 'open', 'notice', 'drop', 'open']);
    users.release(1, 'open');
    expect(users.admit(1)).toBe('open');
    expect(users.count(1)).toBe(2);
    users.release(1, 'notice');
    expect(users.admit(1)).toBe('notice');
    users.release(1, 'drop');
    expect(users.admit(1)).toBe('drop');
  });

  it('refuses a tenant over its limit with the reason, and lets it in again once one closes', async () => {
    const address = await fx.extraGateway({ maxConnectionsPerUser: 2 });
    const user = `${SHOP_APACHE}-${DEMO_UID}`;
    const hold = () =>
      new Promise<Client>((resolve, reject) => {
        const client = new Client();
        clients.push(client);
        client.once('ready', () => resolve(client)).once('error', reject);
        client.connect({
          host: address.host,
          port: address.port,
          username: user,
          privateKey: readFileSync(key.privatePath),
          hostVerifier: () => true,
        });
      });
    const first = await hold();
    await hold();
    // At OpenSSH's default LogLevel (INFO), as a user has it: the channel's refusal is an INFO line.
    const args = fx.ssh(key, user, [], address).map((a) => (a === 'LogLevel=ERROR' ? 'LogLevel=INFO' : a));
    const run = () => collect(spawn('ssh', [...args, 'echo', 'in']));
    const refused = await run();
    expect(refused.code).toBe(255);
    expect(refused.stderr).toContain(`too many connections open for user ${DEMO_UID} (2)`);
    first.end();
    await new Promise<void>((resolve) => first.once('close', () => resolve()));
    // The gateway sees the close a moment after the client does.
    let again = await run();
    for (let i = 0; i < 20 && again.code !== 0; i++) again = await run();
    expect(again).toMatchObject({ code: 0, stdout: 'in\n' });
  });

  it('holds at most the limit and a few notices for a tenant that loops connections', async () => {
    const address = await fx.extraGateway({ maxConnectionsPerUser: 2 });
    const closed = new Set<Client>();
    const connectAs = async (): Promise<Client> => {
      const result = await login({
        address,
        username: `${SHOP_APACHE}-${DEMO_UID}`,
        privateKey: readFileSync(key.privatePath),
        hostKeys: [fx.hostKeys.rsa.publicKey, fx.hostKeys.ed25519.publicKey],
      });
      if ('error' in result) throw result.error;
      clients.push(result.client);
      result.client.once('close', () => closed.add(result.client));
      return result.client;
    };
    const closing = (client: Client) =>
      new Promise<void>((resolve) => (closed.has(client) ? resolve() : client.once('close', resolve)));
    const auditFrom = fx.auditEvents().length;
    const inside = [await connectAs(), await connectAs()];
    // Over the limit and opening no channel (ssh -N): each is kept a while (10 s) to be told why.
    const noticed: Client[] = [];
    for (let i = 0; i < OVER_LIMIT_NOTICES; i++) noticed.push(await connectAs());
    // One more is closed at once: the tenant holds limit + notices, not every connection it opens.
    await closing(await connectAs());
    const stillOpen = [...inside, ...noticed].map((client) => !closed.has(client));
    expect(stillOpen).toEqual(Array.from({ length: 2 + OVER_LIMIT_NOTICES }, () => true));
    // A noticed connection hears why its channel is refused, and is closed behind the refusal.
    const [first] = noticed as [Client];
    await expect(exec(first, 'echo in')).rejects.toThrow(
      `too many connections open for user ${DEMO_UID} (2); close some and try again`,
    );
    await closing(first);
    const refusals = fx
      .auditEvents()
      .slice(auditFrom)
      .filter(
        (e) => e.event === 'refused' && /user connection limit reached \(2 open/.test(String(e.reason)),
      );
    expect(refusals).toHaveLength(OVER_LIMIT_NOTICES + 1);
    expect((await exec(inside[0] as Client, 'echo in')).stdout).toBe('in\n');
  });
});
