import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/api/accessTokens.ts';
import { callApi, signIn, type ApiParams } from './support/api.ts';
import { BareApi } from './support/bareApi.ts';

const AUTH = 'users/authentication/rest';
const ENV = 'environment/control/rest';

let api: BareApi;
let base: string;
let demo: string;

beforeAll(async () => {
  api = await BareApi.start();
  base = api.base;
  demo = await signIn(base, 'demo@sandbox.local', 'demo');
});
afterAll(async () => {
  await api?.stop();
});

/** createtoken as the dashboard does it, for the demo account; returns the whole answer. */
async function createToken(params: Partial<ApiParams> & { apiList: string }) {
  const reply = await callApi(base, `${AUTH}/createtoken`, {
    session: demo,
    password: 'demo',
    description: 'test token',
    ...params,
  });
  return reply.body;
}

async function tokenFor(apiList: string): Promise<string> {
  const body = await createToken({ apiList });
  if (body.result !== 0) throw new Error(`createtoken failed: ${JSON.stringify(body)}`);
  return String(body['token']);
}

describe('personal access tokens', () => {
  it('are created once, listed without the secret, work as a session, and die when deleted', async () => {
    const created = await createToken({
      apiList: JSON.stringify(['environment.Control.GetEnvs', 'environment.Control.GetEnvInfo']),
      description: 'CI pipeline',
    });
    expect(created).toMatchObject({
      result: 0,
      token: expect.stringMatching(/^[0-9a-f]{40}$/),
      id: expect.any(Number),
      tokenInfo: {
        description: 'CI pipeline',
        apiList: ['environment.Control.GetEnvs', 'environment.Control.GetEnvInfo'],
        expiresAt: null,
      },
    });
    const token = String(created['token']);

    const listed = await callApi(base, `${AUTH}/gettokens`, { session: demo });
    expect(listed.body.result).toBe(0);
    const entry = (listed.body['tokens'] as { id: number }[]).find((t) => t.id === created['id']);
    expect(entry).toMatchObject({ description: 'CI pipeline', isExpired: false });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const envs = await callApi(base, `${ENV}/getenvs`, { session: token }, 'GET');
    expect(envs.body.result).toBe(0);
    expect((envs.body['infos'] as { env: { envName: string } }[]).map((i) => i.env.envName).sort()).toEqual([
      'analytics',
      'shop',
      'staging',
    ]);

    const deleted = await callApi(base, `${AUTH}/deletetoken`, { session: demo, id: String(created['id']) });
    expect(deleted.body.result).toBe(0);
    expect((await callApi(base, `${ENV}/getenvs`, { session: token })).body.result).toBe(702);
  });

  it('keeps only a hash of the token in the store', async () => {
    const token = await tokenFor('environment.Control.GetEnvs');
    const found = await api.store.findAccessToken(hashToken(token));
    expect(found?.methods).toEqual(['environment.Control.GetEnvs']);
    // WAL mode: recent writes are in the -wal file until a checkpoint; read both.
    const bytes = Buffer.concat(
      ['platform.db', 'platform.db-wal'].map((file) => readFileSync(join(api.dir, file))),
    );
    expect(bytes.includes(Buffer.from(hashToken(token)))).toBe(true);
    expect(bytes.includes(Buffer.from(token))).toBe(false);
  });

  it('answer 8202 naming the method for anything outside the apiList, and never sign out', async () => {
    const token = await tokenFor('environment.Control.GetEnvs');
    const keys = await callApi(base, 'management/account/rest/getsshkeys', { session: token });
    expect(keys.body).toEqual({
      result: 8202,
      error: 'Permission denied: this token does not allow management.Account.GetSSHKeys',
      source: 'JEL',
    });
    const start = await callApi(base, `${ENV}/startenv`, { session: token, envName: 'staging' });
    expect(start.body).toMatchObject({
      result: 8202,
      error: expect.stringContaining('environment.Control.StartEnv'),
    });
    // Still valid: whose it is and whether it works can always be asked.
    expect((await callApi(base, `${AUTH}/checksign`, { session: token })).body.result).toBe(0);
    const info = await callApi(base, 'users/account/rest/getuserinfo', { session: token });
    expect(info.body).toMatchObject({ result: 0, uid: 4856, email: 'demo@sandbox.local' });
    expect((await callApi(base, `${ENV}/getenvs`, { session: token })).body.result).toBe(0);
  });

  it('take the short group name env. that Jelastic’s apiList examples use', async () => {
    const token = await tokenFor('env.control.GetEnvs');
    expect((await callApi(base, `${ENV}/getenvs`, { session: token })).body.result).toBe(0);
    expect((await callApi(base, `${ENV}/getenvinfo`, { session: token, envName: 'shop' })).body.result).toBe(
      8202,
    );
  });

  it('tell the two key paths apart, and match method names without regard to case', async () => {
    const token = await tokenFor('USERS.account.getsshkeys');
    expect((await callApi(base, 'users/account/rest/getsshkeys', { session: token })).body.result).toBe(0);
    expect(
      (await callApi(base, 'management/account/rest/getsshkeys', { session: token })).body,
    ).toMatchObject({
      result: 8202,
      error: expect.stringContaining('management.Account.GetSSHKeys'),
    });
  });

  it('accept a comma-separated apiList and both date forms for expiresAt', async () => {
    const jelastic = await createToken({
      apiList: 'environment.Control.GetEnvs, environment.Control.StopEnv',
      expiresAt: '2099-12-31 23:59:59',
    });
    expect(jelastic).toMatchObject({
      result: 0,
      tokenInfo: {
        apiList: ['environment.Control.GetEnvs', 'environment.Control.StopEnv'],
        expiresAt: '2099-12-31 23:59:59',
      },
    });
    const iso = await createToken({
      apiList: 'environment.Control.GetEnvs',
      expiresAt: '2099-01-02T03:04:05Z',
    });
    expect(iso).toMatchObject({ result: 0, tokenInfo: { expiresAt: '2099-01-02 03:04:05' } });
  });

  it.each([
    ['an empty apiList', { apiList: ' , ' }, /at least one API method/],
    ['a name that is no method', { apiList: 'getenvs' }, /not an API method name/],
    ['broken JSON', { apiList: '["environment.Control.GetEnvs"' }, /not a valid JSON array/],
    [
      'a date in the past',
      { apiList: 'environment.Control.GetEnvs', expiresAt: '2001-01-01 00:00:00' },
      /in the past/,
    ],
    [
      'a date in another form',
      { apiList: 'environment.Control.GetEnvs', expiresAt: '31-12-2099' },
      /YYYY-MM-DD/,
    ],
  ])('refuse %s', async (_name, params, message) => {
    expect(await createToken(params)).toMatchObject({ result: 4, error: expect.stringMatching(message) });
  });

  it('need the password again: a wrong one creates nothing', async () => {
    const before = (await callApi(base, `${AUTH}/gettokens`, { session: demo })).body['tokens'] as unknown[];
    const wrong = await createToken({ apiList: 'environment.Control.GetEnvs', password: 'not-demo' });
    expect(wrong).toMatchObject({ result: 701, error: 'Wrong password.' });
    const after = (await callApi(base, `${AUTH}/gettokens`, { session: demo })).body['tokens'] as unknown[];
    expect(after).toHaveLength(before.length);
  });

  it('are refused once expired, as an invalid session', async () => {
    const token = 'e'.repeat(40);
    await api.store.createAccessToken({
      tokenHash: hashToken(token),
      uid: 4856,
      description: 'expired',
      methods: ['environment.Control.GetEnvs'],
      expiresAt: new Date(Date.now() - 1000),
    });
    const reply = await callApi(base, `${ENV}/getenvs`, { session: token });
    expect(reply.body).toMatchObject({ result: 702, error: expect.stringMatching(/expired/) });
    expect((await callApi(base, `${AUTH}/checksign`, { session: token })).body.result).toBe(702);
  });

  it('cannot create, list or delete tokens, or sign out, whatever their apiList', async () => {
    const token = await tokenFor(
      'users.Authentication.CreateToken,users.Authentication.GetTokens,users.Authentication.DeleteToken,users.Authentication.SignOut',
    );
    const create = await callApi(base, `${AUTH}/createtoken`, {
      session: token,
      password: 'demo',
      description: 'child',
      apiList: 'environment.Control.GetEnvs',
    });
    expect(create.body).toMatchObject({ result: 8202, error: expect.stringMatching(/password sign-in/) });
    expect((await callApi(base, `${AUTH}/gettokens`, { session: token })).body.result).toBe(8202);
    expect((await callApi(base, `${AUTH}/deletetoken`, { session: token, id: '1' })).body.result).toBe(8202);
    const signout = await callApi(base, `${AUTH}/signout`, { session: token });
    expect(signout.body).toMatchObject({ result: 8202, error: expect.stringMatching(/token stays valid/) });
    expect((await callApi(base, `${AUTH}/checksign`, { session: token })).body.result).toBe(0);
  });

  it('cannot be deleted by another user, and a list with one bad id deletes none', async () => {
    const created = await createToken({ apiList: 'environment.Control.GetEnvs' });
    const id = String(created['id']);
    const other = await signIn(base, 'other@sandbox.local', 'other');
    expect((await callApi(base, `${AUTH}/deletetoken`, { session: other, id })).body).toMatchObject({
      result: 8202,
      error: expect.stringMatching(/not yours/),
    });
    expect(
      (await callApi(base, `${AUTH}/deletetokens`, { session: demo, ids: `${id};99999` })).body.result,
    ).toBe(5);
    expect((await callApi(base, `${ENV}/getenvs`, { session: String(created['token']) })).body.result).toBe(
      0,
    );
    expect((await callApi(base, `${AUTH}/deletetokens`, { session: demo, ids: id })).body.result).toBe(0);
    expect((await callApi(base, `${ENV}/getenvs`, { session: String(created['token']) })).body.result).toBe(
      702,
    );
  });

  it('are never written to the API log', async () => {
    const token = await tokenFor('environment.Control.GetEnvs');
    await callApi(base, `${ENV}/getenvs`, { session: token, appid: 'token-log-check' }, 'GET');
    const log = await api.logText('token-log-check');
    expect(log).not.toContain(token);
    expect(log).not.toContain(demo);
  });
});

describe('keys added with a token', () => {
  let keysDir: string;
  beforeAll(() => {
    keysDir = mkdtempSync(join(tmpdir(), 'token-keys-'));
  });
  afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

  it('belong to the token’s account', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ci', '-f', join(keysDir, 'ci')]);
    const pub = readFileSync(join(keysDir, 'ci.pub'), 'utf8').trim();
    const token = await tokenFor('management.Account.AddSSHKey');
    const added = await callApi(base, 'management/account/rest/addsshkey', {
      session: token,
      title: 'CI',
      sshKey: pub,
    });
    expect(added.body.result).toBe(0);
    const keys = await callApi(base, 'management/account/rest/getsshkeys', { session: demo });
    expect((keys.body['keys'] as { publicKey: string }[]).map((k) => k.publicKey)).toContain(pub);
  });
});
