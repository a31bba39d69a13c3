import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserConnections } from '../../src/ssh/UserConnections.ts';
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

  it('counts and releases places per uid', () => {
    const users = new UserConnections(2);
    expect([users.take(1), users.take(1), users.take(1), users.take(2)]).toEqual([true, true, false, true]);
    users.release(1);
    expect(users.take(1)).toBe(true);
    expect(users.count(1)).toBe(2);
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
});
