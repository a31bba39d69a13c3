import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../src/ssh/GatewayServer.ts';
import { PreAuthSlots } from '../../src/ssh/PreAuthSlots.ts';
import {
  DEMO_UID,
  GatewayFixture,
  SHOP_APACHE,
  makeKey,
  registerKey,
  until,
  type UserKey,
} from '../ssh/helpers.ts';
import { exec, login, logout } from './support/sshClient.ts';

/**
 * Pre-authentication slot exhaustion: one address (127.0.0.2) opens hundreds of silent and garbage
 * sockets and `none`-only SSH clients against a gateway with the default cap of 64 unauthenticated
 * connections. The per-source share keeps slots free for 127.0.0.1, whose honest logins (ssh2 and
 * OpenSSH) all succeed, and every unauthenticated ending counts as a failure, so the attacker ends
 * up blocked before the banner.
 */
const ATTACKER = '127.0.0.2';
const USER = `${SHOP_APACHE}-${DEMO_UID}`;

/** Whether the gateway sends its SSH identification to a new connection from `localAddress`. */
function bannerFrom(address: GatewayAddress, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port, localAddress });
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('close', () => resolve(false));
  });
}

describe('pre-authentication flood from one source', () => {
  let fx: GatewayFixture;
  let good: UserKey;
  let address: GatewayAddress;
  const attackSockets: Socket[] = [];
  const attackClients: ssh2.Client[] = [];

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    good = makeKey(fx.tmp, 'good_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, good.publicKey);
    address = await fx.extraGateway({
      maxUnauthenticated: 64,
      loginGraceMs: 1_500,
      penaltyFailures: 5,
      penaltyWindowMs: 15 * 60_000,
      penaltyBlockMs: 30 * 60_000,
    });
  });
  afterAll(async () => {
    for (const socket of attackSockets) socket.destroy();
    for (const client of attackClients) client.end();
    await fx?.stop();
  });

  const attackSocket = (garbage: boolean, target = address): Socket => {
    const socket = connect({ host: target.host, port: target.port, localAddress: ATTACKER });
    socket.on('error', () => undefined);
    if (garbage) socket.once('connect', () => socket.write(Buffer.alloc(512, 0x5a)));
    attackSockets.push(socket);
    return socket;
  };

  /** Resolves true once the gateway has greeted the socket (it holds a slot), false if it closed. */
  const admitted = (socket: Socket): Promise<boolean> =>
    new Promise((resolve) => {
      socket.once('data', () => resolve(true));
      socket.once('close', () => resolve(false));
    });

  const noneOnlyClient = (): void => {
    const client = new ssh2.Client();
    client.on('error', () => undefined);
    const sock = connect({ host: address.host, port: address.port, localAddress: ATTACKER });
    sock.on('error', () => undefined);
    // No key and no password: ssh2 asks only `none`, and the gateway refuses it.
    client.connect({ sock, username: USER, hostVerifier: () => true, readyTimeout: 60_000 });
    attackClients.push(client);
  };

  const honestSsh2 = async (): Promise<string> => {
    const result = await login({
      address,
      username: USER,
      privateKey: readFileSync(good.privatePath),
      hostKeys: [fx.hostKeys.rsa.publicKey, fx.hostKeys.ed25519.publicKey],
      localAddress: '127.0.0.1',
    });
    if ('error' in result) return `error: ${result.error.message}`;
    const run = await exec(result.client, 'echo honest');
    await logout(result.client);
    return run.stdout;
  };

  const honestOpenSsh = async (): Promise<string> => {
    const result = await fx.processes.run('ssh', [...fx.ssh(good, USER, [], address), 'echo honest']);
    return result.code === 0 ? result.stdout : `exit ${String(result.code)}: ${result.stderr}`;
  };

  it('keeps letting an honest source in while blocking the flooding one', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      // Each round renews the attack, so it is under way during every honest login.
      for (let i = 0; i < 17; i++) attackSocket(false);
      for (let i = 0; i < 17; i++) attackSocket(true);
      if (round < 4) noneOnlyClient();
      outcomes.push(round % 3 === 0 ? await honestOpenSsh() : await honestSsh2());
    }
    expect(attackSockets.length).toBeGreaterThanOrEqual(400);
    expect(outcomes).toEqual(Array.from({ length: 12 }, () => 'honest\n'));
    // Each probe is a new connection from the attacker: the refusal names the block, not the share.
    const blocked = (): boolean =>
      fx
        .auditEvents()
        .some((e) => e.event === 'refused' && e.ip === ATTACKER && /source blocked/.test(String(e.reason)));
    await until(
      async () => !(await bannerFrom(address, ATTACKER)) && blocked(),
      'the attacker to be blocked',
    );
    expect(await bannerFrom(address, ATTACKER)).toBe(false);
    expect(await bannerFrom(address, '127.0.0.1')).toBe(true);
    // The moment of the block is in the audit log too, with the rule that set it.
    const penalty = fx.auditEvents().find((e) => e.event === 'penalty' && e.ip === ATTACKER);
    expect(penalty).toMatchObject({
      source: ATTACKER,
      result: 'blocked',
      reason: '5 connections without login within 900 s: blocked for 1800 s',
    });
  });

  it('leaves an honest source its share of a cap as small as 4 (the issue: 0 banners in 40)', async () => {
    // Long grace: the attacker's silent sockets keep their slots for the whole test.
    const small = await fx.extraGateway({ maxUnauthenticated: 4, loginGraceMs: 120_000 });
    const held = await Promise.all(Array.from({ length: 40 }, () => admitted(attackSocket(false, small))));
    expect(held.filter(Boolean)).toHaveLength(2);
    const banners: boolean[] = [];
    for (let i = 0; i < 40; i++) banners.push(await bannerFrom(small, '127.0.0.1'));
    expect(banners.filter(Boolean)).toHaveLength(40);
  });

  it('drops at random near the cap, by the injected coin', async () => {
    let coin = 0.99;
    const options = {
      maxUnauthenticated: 16,
      maxUnauthenticatedPerSource: 16,
      earlyDropStart: 4,
      earlyDropRate: 50,
      loginGraceMs: 120_000,
    };
    const gateway = await fx.extraGateway(options, undefined, () => coin);
    // Four held slots: the start of early drop, where a connection is refused with 50 % odds.
    const held = await Promise.all(Array.from({ length: 4 }, () => admitted(attackSocket(false, gateway))));
    expect(held).toEqual([true, true, true, true]);
    coin = 0.49;
    const from = fx.auditEvents().length;
    expect(await bannerFrom(gateway, '127.0.0.1')).toBe(false);
    const refusals = fx
      .auditEvents()
      .slice(from)
      .filter((e) => e.event === 'refused');
    expect(refusals).toMatchObject([
      { ip: '127.0.0.1', reason: 'random early drop at 4 unauthenticated connections' },
    ]);
    coin = 0.51;
    expect(await bannerFrom(gateway, '127.0.0.1')).toBe(true);
  });
});

describe('random early drop', () => {
  const options = {
    maxUnauthenticated: 100,
    maxUnauthenticatedPerSource: 100,
    earlyDropStart: 10,
    earlyDropRate: 30,
  };
  const fill = (slots: PreAuthSlots, count: number): void => {
    for (let i = 0; i < count; i++) slots.take(`10.0.0.${i}`);
  };

  it('admits everyone below start, drops rate % at start, rising to all at the cap', () => {
    let coin = 0.29;
    const slots = new PreAuthSlots(options, () => coin);
    fill(slots, 9);
    expect(slots.refusal('192.0.2.1')).toBeUndefined();
    slots.take('10.0.1.0');
    expect(slots.refusal('192.0.2.1')).toMatch(/random early drop/);
    coin = 0.31;
    expect(slots.refusal('192.0.2.1')).toBeUndefined();
    fill(slots, 45); // 55 of 100: half-way from start to full, so 65 %
    coin = 0.64;
    expect(slots.refusal('192.0.2.1')).toMatch(/random early drop/);
    coin = 0.66;
    expect(slots.refusal('192.0.2.1')).toBeUndefined();
  });

  it('refuses a source over its share regardless of the coin', () => {
    const slots = new PreAuthSlots({ ...options, maxUnauthenticatedPerSource: 2 }, () => 0.99);
    slots.take('127.0.0.2');
    slots.take('127.0.0.2');
    expect(slots.refusal('127.0.0.2')).toMatch(/from this source/);
    expect(slots.refusal('127.0.0.1')).toBeUndefined();
  });
});
