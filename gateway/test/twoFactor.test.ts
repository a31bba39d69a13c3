import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from './support/api.ts';
import { BareApi } from './support/bareApi.ts';

const AUTH = 'users/authentication/rest';
const LOGIN = 'twofa@sandbox.local';

let api: BareApi;
let base: string;
let secret: string;

beforeAll(async () => {
  api = await BareApi.start();
  base = api.base;
  secret = (await api.store.getTotpSecret(4870)) ?? '';
});
afterAll(async () => {
  await api?.stop();
});

const code = (): string => new OTPAuth.TOTP({ secret }).generate();

/** A 6-digit code that is valid in no step the server accepts now (the current one ± 1). */
function wrongCode(): string {
  const totp = new OTPAuth.TOTP({ secret });
  const now = Date.now();
  const valid = new Set([-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: now + step * 30_000 })));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

async function pendingSession(): Promise<string> {
  const reply = await callApi(base, `${AUTH}/signin`, { login: LOGIN, password: 'twofa' });
  if (reply.body.result !== 0) throw new Error(`signin failed: ${JSON.stringify(reply.body)}`);
  return String(reply.body['session']);
}

/** Every method a signed-in client calls, with the parameters it needs. */
const EVERYTHING: [string, Record<string, string>][] = [
  [`${AUTH}/checksign`, {}],
  [`${AUTH}/signout`, {}],
  [`${AUTH}/gettokens`, {}],
  ['users/account/rest/getuserinfo', {}],
  ['management/account/rest/getsshkeys', {}],
  ['users/account/rest/getsshkeys', {}],
  ['environment/control/rest/getenvs', {}],
  ['environment/control/rest/getenvinfo', { envName: 'vault' }],
  ['environment/control/rest/stopenv', { envName: 'vault' }],
];

describe('two-factor sign-in', () => {
  it('has a secret per data folder, and none for the other demo accounts', async () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await api.store.getTotpSecret(4856)).toBeNull();
  });

  it('answers signin with a session and requiredAuthCheck, and nothing about the account', async () => {
    const reply = await callApi(base, `${AUTH}/signin`, { login: LOGIN, password: 'twofa' });
    expect(reply.body).toEqual({
      result: 0,
      source: 'JEL',
      session: expect.stringMatching(/^[0-9a-f]{64}$/),
      requiredAuthCheck: true,
    });
  });

  it('refuses the pending session everywhere with 8202, and does not end it', async () => {
    const session = await pendingSession();
    for (const [path, params] of EVERYTHING) {
      const reply = await callApi(base, path, { session, ...params });
      expect(reply.body, path).toEqual({
        result: 8202,
        error: 'Two-factor authentication required: verify the code first.',
        source: 'JEL',
      });
    }
    expect((await api.store.getEnvironment('vault'))?.status).toBe(1);
    expect((await callApi(base, `${AUTH}/verify2facode`, { session, code: code() })).body.result).toBe(0);
  });

  it('refuses a wrong code, and the session stays pending', async () => {
    const session = await pendingSession();
    const wrong = await callApi(base, `${AUTH}/verify2facode`, { session, code: wrongCode() });
    expect(wrong.body).toEqual({
      result: 704,
      error: 'The verification code is wrong or expired.',
      source: 'JEL',
    });
    expect((await callApi(base, `${AUTH}/checksign`, { session })).body.result).toBe(8202);
    const malformed = await callApi(base, `${AUTH}/verify2facode`, { session, code: '12ab56' });
    expect(malformed.body).toMatchObject({ result: 4, error: expect.stringMatching(/6-digit code/) });
  });

  it('accepts the right code; the same session then works, and the code cannot be used again', async () => {
    const session = await pendingSession();
    const now = code();
    expect((await callApi(base, `${AUTH}/verify2facode`, { session, code: now })).body).toEqual({
      result: 0,
      source: 'JEL',
    });
    expect((await callApi(base, `${AUTH}/checksign`, { session })).body.result).toBe(0);
    const info = await callApi(base, 'users/account/rest/getuserinfo', { session });
    expect(info.body).toMatchObject({ result: 0, uid: 4870, email: LOGIN });
    const envs = await callApi(base, 'environment/control/rest/getenvs', { session });
    const infos = envs.body['infos'] as {
      env: { envName: string };
      nodes: { id: number; nodeType: string }[];
    }[];
    expect(infos.map((i) => [i.env.envName, i.nodes.map((n) => [n.id, n.nodeType])])).toEqual([
      ['vault', [[518870, 'apache2']]],
    ]);

    const replay = await callApi(base, `${AUTH}/verify2facode`, { session, code: now });
    expect(replay.body).toMatchObject({ result: 704, error: expect.stringMatching(/already used/) });
    // A replay does not undo the sign-in.
    expect((await callApi(base, `${AUTH}/checksign`, { session })).body.result).toBe(0);
  });

  it('refuses verify2facode for a session of an account without two-factor', async () => {
    const reply = await callApi(base, `${AUTH}/signin`, { login: 'demo@sandbox.local', password: 'demo' });
    expect(reply.body['requiredAuthCheck']).toBeUndefined();
    const session = String(reply.body['session']);
    const verify = await callApi(base, `${AUTH}/verify2facode`, { session, code: '123456' });
    expect(verify.body).toMatchObject({ result: 4, error: expect.stringMatching(/does not use two-factor/) });
  });

  it('never writes a code to the API log', async () => {
    const session = await pendingSession();
    const sent = code();
    await callApi(base, `${AUTH}/verify2facode`, { session, code: sent, appid: 'code-log-check' }, 'GET');
    const log = await api.logText('code-log-check');
    expect(log).toContain('users.Authentication.Verify2FACode');
    expect(log).not.toContain(sent);
    expect(log).not.toContain(session);
  });
});

// Last: it leaves the two-factor login's codes delayed.
describe('wrong codes', () => {
  it('delay further codes for the login, and a right password alone does not clear them', async () => {
    const first = await pendingSession();
    for (let i = 0; i < 3; i++) {
      expect(
        (await callApi(base, `${AUTH}/verify2facode`, { session: first, code: wrongCode() })).body.result,
      ).toBe(704);
    }
    // The password is still accepted (a new pending session), but its code must wait.
    const second = await pendingSession();
    const delayed = await callApi(base, `${AUTH}/verify2facode`, { session: second, code: code() });
    expect(delayed.body).toMatchObject({
      result: 703,
      error: expect.stringMatching(
        /^Too many verification codes tried for this login\. Try again in [1-5] s\.$/,
      ),
    });
  });
});
