import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordQueue } from '../../src/api/PasswordQueue.ts';
import { BareApi } from '../support/bareApi.ts';
import { callFrom } from './callFrom.ts';

const SIGNIN = 'users/authentication/rest/signin';
const CREATETOKEN = 'users/authentication/rest/createtoken';

/** The throttle's clock, moved by the tests instead of waiting. */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let now = 1_000_000_000;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const apis: BareApi[] = [];
async function startApi(options: Parameters<typeof BareApi.start>[0]): Promise<BareApi> {
  const api = await BareApi.start(options);
  apis.push(api);
  return api;
}
afterAll(async () => {
  await Promise.all(apis.map((api) => api.stop()));
});

describe('sign-in limits per address', () => {
  const clock = testClock();
  let api: BareApi;
  beforeAll(async () => {
    api = await startApi({ loginThrottle: { now: clock.now } });
  });

  it('slow down one address rotating logins, whatever X-Forwarded-For says, and not the others', async () => {
    for (let i = 0; i < 10; i++) {
      const reply = await callFrom('127.0.0.2', api.base, SIGNIN, {
        login: `nobody${i}@x`,
        password: 'guess',
      });
      expect(reply.body.result, `attempt ${i + 1}`).toBe(701);
    }
    const slowed = await callFrom('127.0.0.2', api.base, SIGNIN, { login: 'nobody10@x', password: 'guess' });
    expect(slowed.body).toMatchObject({
      result: 703,
      error: 'Too many sign-in attempts from your address. Try again in 2 s.',
    });
    // The same address with the right password of a real account waits too…
    const right = { login: 'demo@sandbox.local', password: 'demo' };
    expect((await callFrom('127.0.0.2', api.base, SIGNIN, right)).body.result).toBe(703);
    // …and a header any caller can write does not make it another address.
    const forged = await callFrom('127.0.0.2', api.base, SIGNIN, right, { 'x-forwarded-for': '203.0.113.9' });
    expect(forged.body.result).toBe(703);
    // Another address is not held back by the first one's failures.
    expect((await callFrom('127.0.0.3', api.base, SIGNIN, right)).body.result).toBe(0);

    // Once the wait has passed one attempt is checked; another failure doubles the wait.
    clock.advance(2000);
    expect(
      (await callFrom('127.0.0.2', api.base, SIGNIN, { login: 'x@x', password: 'guess' })).body.result,
    ).toBe(701);
    expect((await callFrom('127.0.0.2', api.base, SIGNIN, right)).body.error).toBe(
      'Too many sign-in attempts from your address. Try again in 4 s.',
    );
  });
});

describe('behind a trusted proxy', () => {
  const clock = testClock();
  let api: BareApi;
  beforeAll(async () => {
    api = await startApi({
      trustProxy: '127.0.0.1',
      loginThrottle: {
        now: clock.now,
        address: {
          freeFailures: 1,
          firstDelayMs: 2000,
          maxDelayMs: 60_000,
          forgetAfterMs: 3_600_000,
          maxInFlight: 8,
        },
      },
    });
  });

  /** A wrong sign-in to a fresh login, from `client` as the proxy at 127.0.0.1 reports it. */
  let n = 0;
  const guessFrom = async (client: string) =>
    (
      await callFrom(
        '127.0.0.1',
        api.base,
        SIGNIN,
        { login: `user${n++}@x`, password: 'guess' },
        {
          'x-forwarded-for': client,
        },
      )
    ).body;

  it('counts the client address the proxy reports: IPv4-mapped as IPv4, IPv6 by its /64', async () => {
    expect((await guessFrom('203.0.113.7')).result).toBe(701);
    expect(await guessFrom('::ffff:203.0.113.7')).toMatchObject({ result: 703, error: /from your address/ });
    expect((await guessFrom('203.0.113.8')).result).toBe(701);

    expect((await guessFrom('2001:db8:0:1::1')).result).toBe(701);
    expect((await guessFrom('2001:db8:0:1:ffff::2')).result).toBe(703);
    expect((await guessFrom('2001:db8:0:2::1')).result).toBe(701);
  });
});

describe('wrong passwords for one login', () => {
  const clock = testClock();
  let api: BareApi;
  beforeAll(async () => {
    api = await startApi({ loginThrottle: { now: clock.now } });
  });
  const right = { login: 'demo@sandbox.local', password: 'demo' };

  it('delay the next try instead of locking the owner out', async () => {
    // The owner signs in from their usual address before the attack.
    expect((await callFrom('127.0.0.1', api.base, SIGNIN, right)).body.result).toBe(0);
    // An attacker guesses from several addresses, so the per-address limit does not stop it.
    for (let i = 0; i < 5; i++) {
      const guess = { login: 'DEMO@sandbox.local ', password: `guess-${i}` };
      expect((await callFrom(`127.0.0.${10 + i}`, api.base, SIGNIN, guess)).body.result).toBe(701);
    }
    const early = await callFrom('127.0.0.20', api.base, SIGNIN, { ...right, password: 'guess-5' });
    expect(early.body).toMatchObject({
      result: 703,
      error: 'Too many sign-in attempts for this login. Try again in 2 s.',
    });
    // Tries refused for being early are not failures: the wait does not move.
    clock.advance(1000);
    await callFrom('127.0.0.21', api.base, SIGNIN, { ...right, password: 'guess-6' });
    // The owner's usual address is not held to the login's delay at all…
    expect((await callFrom('127.0.0.1', api.base, SIGNIN, right)).body.result).toBe(0);
    // …and from a new address the right password is refused only until the wait has passed.
    expect((await callFrom('127.0.0.30', api.base, SIGNIN, right)).body.error).toBe(
      'Too many sign-in attempts for this login. Try again in 1 s.',
    );
    clock.advance(1000);
    expect((await callFrom('127.0.0.30', api.base, SIGNIN, right)).body.result).toBe(0);
  });

  it("count in createtoken's password check too, with the same delay", async () => {
    const session = String((await callFrom('127.0.0.1', api.base, SIGNIN, right)).body['session']);
    const create = (password: string) =>
      callFrom('127.0.0.40', api.base, CREATETOKEN, {
        session,
        password,
        description: 'ci',
        apiList: 'environment.Control.GetEnvs',
      });
    for (let i = 0; i < 5; i++) expect((await create(`guess-${i}`)).body.result).toBe(701);
    expect((await create('demo')).body).toMatchObject({
      result: 703,
      error: 'Too many sign-in attempts for this login. Try again in 2 s.',
    });
    clock.advance(2000);
    expect((await create('demo')).body).toMatchObject({ result: 0, token: expect.any(String) });
  });
});

describe('a burst of sign-ins', () => {
  const queue = new PasswordQueue({ concurrency: 2, maxWaiting: 2 });
  let api: BareApi;
  beforeAll(async () => {
    api = await startApi({ passwordQueue: queue });
  });

  it('hashes at most 2 passwords at once and promptly tells the overflow to try again', async () => {
    const before = queue.stats();
    const refusedWhileBusy: number[] = [];
    const replies = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const reply = await callFrom(`127.0.1.${i + 1}`, api.base, SIGNIN, {
          login: 'demo@sandbox.local',
          password: 'demo',
        });
        // How many of this burst's checks had finished when a refusal came back.
        if (reply.body.result !== 0) refusedWhileBusy.push(queue.stats().completed - before.completed);
        return reply.body;
      }),
    );
    const refused = replies.filter((body) => body.result !== 0);
    expect(queue.stats().peakRunning).toBe(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(queue.stats().refused - before.refused).toBe(refused.length);
    for (const body of refused) {
      expect(body).toMatchObject({
        result: 703,
        error: expect.stringMatching(/^Too many sign-ins at once\. Try again in [1-9]\d* s\.$/),
      });
    }
    // Prompt: refused without waiting for the queue to drain.
    const accepted = replies.length - refused.length;
    for (const done of refusedWhileBusy) expect(done).toBeLessThan(accepted);
  });
});
