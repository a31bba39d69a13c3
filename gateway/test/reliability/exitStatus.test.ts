import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, GatewayFixture, SHOP_APACHE, makeKey, registerKey, type UserKey } from '../ssh/helpers.ts';
import { exec, login, logout } from './support/sshClient.ts';

/**
 * Many quick commands at once on one connection. The node's replies for them then share the
 * gateway's socket reads, and ssh2 handles a whole read in one go: a command's exit status was often
 * emitted before the gateway, still awaiting the channel's opening, listened for it — the client got
 * the output and no status (360 of 480 here before the fix; first seen as `code: null` in the fuzz
 * tests' "still works" checks under load). Every status must arrive, and be the right one.
 */
const ROUNDS = 8;
const AT_ONCE = 48;

describe('exit statuses of many quick commands at once', () => {
  let fx: GatewayFixture;
  let key: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it(`reaches the client for ${ROUNDS * AT_ONCE} commands, ${AT_ONCE} at a time`, async () => {
    const result = await login({
      address: fx.address,
      username: `${SHOP_APACHE}-${DEMO_UID}`,
      privateKey: readFileSync(key.privatePath),
      hostKeys: [fx.hostKeys.rsa.publicKey, fx.hostKeys.ed25519.publicKey],
    });
    if (!('client' in result)) throw result.error;
    const wrong: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(
          Array.from({ length: AT_ONCE }, async (_, i) => {
            const status = (round + i) % 4;
            const run = await exec(result.client, `echo run-${round}-${i}; exit ${status}`);
            if (run.code !== status || run.stdout !== `run-${round}-${i}\n`) {
              wrong.push(`${round}/${i}: ${JSON.stringify(run)}`);
            }
          }),
        );
      }
    } finally {
      await logout(result.client);
    }
    expect(wrong).toEqual([]);
  });
});
