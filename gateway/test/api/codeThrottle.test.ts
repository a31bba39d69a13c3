import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BareApi } from '../support/bareApi.ts';
import { callFrom } from './callFrom.ts';

const SIGNIN = 'users/authentication/rest/signin';
const VERIFY = 'users/authentication/rest/verify2facode';
const LOGIN = 'twofa@sandbox.local';

let now = 1_000_000_000;
const advance = (ms: number) => (now += ms);
let api: BareApi;
let secret: string;

beforeAll(async () => {
  api = await BareApi.start({ loginThrottle: { now: () => now } });
  secret = (await api.store.getTotpSecret(4870)) ?? '';
});
afterAll(async () => {
  await api?.stop();
});

/** The code the authenticator app shows now (TOTP runs on the real clock, the throttle on the test's). */
const rightCode = (): string => new OTPAuth.TOTP({ secret }).generate();

/** A 6-digit code valid in no step the server accepts now (the current one ± 1). */
function wrongCode(): string {
  const totp = new OTPAuth.TOTP({ secret });
  const valid = new Set(
    [-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })),
  );
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

async function pendingSession(from = '127.0.0.1'): Promise<string> {
  const reply = await callFrom(from, api.base, SIGNIN, { login: LOGIN, password: 'twofa' });
  expect(reply.body).toMatchObject({ result: 0, requiredAuthCheck: true });
  return String(reply.body['session']);
}

const verify = (session: string, code: string, from = '127.0.0.1') =>
  callFrom(from, api.base, VERIFY, { session, code }).then((reply) => reply.body);

describe('two-factor codes', () => {
  it('are checked one at a time once a burst reaches the free tries', async () => {
    const session = await pendingSession();
    const replies = await Promise.all(Array.from({ length: 10 }, () => verify(session, wrongCode())));
    expect(replies.filter((body) => body.result === 704).length).toBeLessThanOrEqual(3);
    expect(replies.filter((body) => body.result === 703).length).toBeGreaterThanOrEqual(7);
    // The right code is accepted once the wait has passed, and clears the login's count.
    advance(15 * 60_000);
    expect((await verify(session, rightCode())).result).toBe(0);
  });

  it('slow down the login, end the session after 5 wrong ones, and a right password does not clear them', async () => {
    const session = await pendingSession();
    for (let i = 0; i < 3; i++) expect((await verify(session, wrongCode())).result).toBe(704);
    expect(await verify(session, rightCode())).toMatchObject({
      result: 703,
      error: 'Too many verification codes tried for this login. Try again in 5 s.',
    });
    advance(5000);
    expect((await verify(session, wrongCode())).result).toBe(704);
    advance(10_000);
    expect(await verify(session, wrongCode())).toMatchObject({
      result: 704,
      error: expect.stringMatching(/too many wrong codes for this sign-in: sign in again with your password/),
    });
    // The session is gone: even the right code cannot complete it.
    expect((await verify(session, rightCode())).result).toBe(702);

    // Signing in again with the right password does not reset the codes' delay…
    const next = await pendingSession();
    const delayed = await verify(next, rightCode(), '127.0.0.5');
    expect(delayed).toMatchObject({ result: 703, error: /Try again in 20 s/ });
    // …but the right code after it completes the sign-in.
    advance(20_000);
    expect((await verify(next, rightCode(), '127.0.0.5')).result).toBe(0);
  });
});
