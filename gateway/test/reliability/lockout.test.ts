import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../src/ssh/GatewayServer.ts';
import {
  DEMO_UID,
  GatewayFixture,
  SHOP_APACHE,
  makeKey,
  registerKey,
  until,
  type UserKey,
} from '../ssh/helpers.ts';
import { exec, login, logout, type LoginResult } from './support/sshClient.ts';

/**
 * Per-source lockout (SourcePenalties inside a real gateway): N failed connections from one address
 * within the window block that address — even with a good key — for the block time; other addresses
 * are not affected; the block ends, and the count starts again from zero. The gateway's clock is
 * injected, so a 30-minute block is crossed by moving it, not by waiting; one test also waits out a
 * short real block to prove the wall-clock path.
 */
const MINUTE = 60_000;

describe('per-source lockout', () => {
  let fx: GatewayFixture;
  let good: UserKey;
  let stranger: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    good = makeKey(fx.tmp, 'good_rsa', 'rsa', 2048);
    stranger = makeKey(fx.tmp, 'stranger_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, good.publicKey);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  const attempt = (address: GatewayAddress, key: UserKey, localAddress = '127.0.0.1'): Promise<LoginResult> =>
    login({
      address,
      username: `${SHOP_APACHE}-${DEMO_UID}`,
      privateKey: readFileSync(key.privatePath),
      hostKeys: [fx.hostKeys.rsa.publicKey, fx.hostKeys.ed25519.publicKey],
      localAddress,
    });

  /** A refused login, once the gateway has seen its connection end (that is when it counts). */
  const fail = async (address: GatewayAddress, localAddress = '127.0.0.1'): Promise<void> => {
    const from = fx.auditEvents().length;
    const result = await attempt(address, stranger, localAddress);
    expect('error' in result && result.error.message).toMatch(/authentication methods failed/);
    const conn = fx
      .auditEvents()
      .slice(from)
      .find((e) => e.event === 'auth' && e.result === 'failure')?.conn;
    expect(conn).toBeDefined();
    // Its own disconnect: another connection's, logged late, must not stand in for it.
    await until(
      () => fx.auditEvents().some((e) => e.event === 'disconnect' && e.conn === conn),
      'the refused connection to be closed',
    );
  };
  const disconnects = () => fx.auditEvents().filter((e) => e.event === 'disconnect').length;
  /** Logged-in connections end before the next step, so their late audit lines cannot confuse it. */
  const loggedOut = async (from: number): Promise<void> => {
    const conn = fx
      .auditEvents()
      .slice(from)
      .find((e) => e.event === 'auth' && e.result === 'success')?.conn;
    await until(
      () => fx.auditEvents().some((e) => e.event === 'disconnect' && e.conn === conn),
      'the logged-in connection to be closed',
    );
  };

  /** Logs in with the good key and runs a command; the outcome in a word. */
  const tryGoodKey = async (
    address: GatewayAddress,
    localAddress = '127.0.0.1',
  ): Promise<'in' | 'refused'> => {
    const refusedBefore = refusals().length;
    const from = fx.auditEvents().length;
    const result = await attempt(address, good, localAddress);
    if ('client' in result) {
      const run = await exec(result.client, 'echo in');
      await logout(result.client);
      await loggedOut(from);
      expect(run.stdout).toBe('in\n');
      return 'in';
    }
    // A blocked source is cut before the SSH banner: no key is even looked at.
    expect(result.error.message).not.toMatch(/authentication/);
    await until(() => refusals().length > refusedBefore, 'the refusal in the audit log');
    return 'refused';
  };
  const refusals = () => fx.auditEvents().filter((e) => e.event === 'refused');

  it('blocks a source after N failed connections, lets other sources in, and lifts the block when it expires', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const gateway = await fx.extraGateway(
      { penaltyFailures: 3, penaltyWindowMs: 15 * MINUTE, penaltyBlockMs: 30 * MINUTE },
      () => now,
    );

    await fail(gateway);
    await fail(gateway);
    now += MINUTE;
    await fail(gateway);
    expect(await tryGoodKey(gateway)).toBe('refused');
    expect(refusals().at(-1)).toMatchObject({
      ip: '127.0.0.1',
      reason: 'source blocked for 1800 s after repeated failed logins',
    });

    // Another address on the same machine is another source.
    expect(await tryGoodKey(gateway, '127.0.0.2')).toBe('in');

    now += 30 * MINUTE - 1_000;
    expect(await tryGoodKey(gateway)).toBe('refused');
    expect(refusals().at(-1)).toMatchObject({
      reason: 'source blocked for 1 s after repeated failed logins',
    });

    now += 1_000;
    expect(await tryGoodKey(gateway)).toBe('in');

    // After a block the count starts from zero: two failures do not block again, the third does.
    await fail(gateway);
    await fail(gateway);
    expect(await tryGoodKey(gateway, '127.0.0.3')).toBe('in');
    await fail(gateway);
    expect(await tryGoodKey(gateway)).toBe('refused');
    now += 30 * MINUTE;
    expect(await tryGoodKey(gateway)).toBe('in');
  });

  it('forgets failures older than the window', async () => {
    let now = Date.parse('2030-06-01T00:00:00Z');
    const gateway = await fx.extraGateway(
      { penaltyFailures: 2, penaltyWindowMs: 15 * MINUTE, penaltyBlockMs: 30 * MINUTE },
      () => now,
    );
    await fail(gateway);
    now += 15 * MINUTE;
    await fail(gateway);
    now += 15 * MINUTE;
    await fail(gateway);
    // Never two failures inside 15 minutes: still welcome.
    expect(await tryGoodKey(gateway)).toBe('in');
    await fail(gateway);
    await fail(gateway);
    expect(await tryGoodKey(gateway)).toBe('refused');
  });

  it('counts a login that gives up without finishing (grace time) as a failure, and a good login clears the count', async () => {
    let now = Date.parse('2030-09-01T00:00:00Z');
    const gateway = await fx.extraGateway(
      { penaltyFailures: 2, penaltyWindowMs: 15 * MINUTE, penaltyBlockMs: 30 * MINUTE, loginGraceMs: 200 },
      () => now,
    );
    await fail(gateway);
    // A good login in between resets the source.
    expect(await tryGoodKey(gateway)).toBe('in');
    await fail(gateway);
    expect(await tryGoodKey(gateway)).toBe('in');
    // Connecting and never logging in runs out the grace time: that counts.
    const before = disconnects();
    const silent = await import('node:net').then(({ connect }) => connect(gateway.port, gateway.host));
    silent.on('error', () => undefined);
    await until(() => disconnects() > before, 'the grace-time disconnect');
    silent.destroy();
    await fail(gateway);
    expect(await tryGoodKey(gateway)).toBe('refused');
    now += 30 * MINUTE;
    expect(await tryGoodKey(gateway)).toBe('in');
  });

  it('lifts a short real-time block once it has run out (the wall clock path)', async () => {
    const gateway = await fx.extraGateway({
      penaltyFailures: 2,
      penaltyWindowMs: MINUTE,
      penaltyBlockMs: 1_500,
    });
    await fail(gateway, '127.0.0.9');
    await fail(gateway, '127.0.0.9');
    expect(await tryGoodKey(gateway, '127.0.0.9')).toBe('refused');
    // Waiting for the configured expiry (a poll, not a time limit).
    let outcome: 'in' | 'refused' = 'refused';
    await until(async () => {
      outcome = await tryGoodKey(gateway, '127.0.0.9');
      return outcome === 'in';
    }, 'the block to expire');
    expect(outcome).toBe('in');
  });
});
