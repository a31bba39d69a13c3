import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../src/sandbox/Sandbox.ts';
import { makeKey as makeUserKey } from './ssh/helpers.ts';
import { callApi, signIn, type ApiParams } from './support/api.ts';

let sandbox: Sandbox;
let api: string;
let keysDir: string;

/** A fresh OpenSSH key pair from ssh-keygen, as a user would paste it. */
function makeKey(type: 'ed25519' | 'rsa' | 'ecdsa', name: string, bits?: number) {
  const key = makeUserKey(keysDir, name, type, bits);
  return { pub: key.publicKey, priv: readFileSync(key.privatePath, 'utf8') };
}

function fingerprints(pubFile: string): { sha256: string; md5: string } {
  const print = (hash: string) =>
    execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', pubFile], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { sha256: print('sha256'), md5: print('md5').replace(/^MD5:/, '') };
}

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'api-keys-'));
  sandbox = await Sandbox.start({ apiPort: 0 });
  api = sandbox.ready.api;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(keysDir, { recursive: true, force: true });
});

const AUTH = 'users/authentication/rest';
const KEYS = 'management/account/rest';
const OLD_KEYS = 'users/account/rest';
const ENV = 'environment/control/rest';

describe('authentication', () => {
  it.each(['GET', 'POST'] as const)('signs in, checks and signs out over %s', async (verb) => {
    const signin = await callApi(
      api,
      `${AUTH}/signin`,
      { login: 'demo@sandbox.local', password: 'demo' },
      verb,
    );
    expect(signin.status).toBe(200);
    expect(signin.body).toMatchObject({
      result: 0,
      source: 'JEL',
      uid: 4856,
      email: 'demo@sandbox.local',
      // A string on the real service.
      status: 'ACTIVE',
    });
    const session = String(signin.body['session']);
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    expect((await callApi(api, `${AUTH}/checksign`, { session }, verb)).body.result).toBe(0);
    expect((await callApi(api, `${AUTH}/signout`, { session }, verb)).body.result).toBe(0);
    const after = await callApi(api, `${AUTH}/checksign`, { session }, verb);
    expect(after.body).toMatchObject({ result: 702, error: expect.stringMatching(/sign in again/i) });
  });

  it('refuses a wrong password and an unknown login with the same answer', async () => {
    const wrong = await callApi(api, `${AUTH}/signin`, { login: 'demo@sandbox.local', password: 'nope' });
    const unknown = await callApi(api, `${AUTH}/signin`, { login: 'ghost@sandbox.local', password: 'nope' });
    expect(wrong.body).toEqual({ result: 701, error: 'Wrong login or password.', source: 'JEL' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('names a missing or empty parameter', async () => {
    const missing = await callApi(api, `${AUTH}/signin`, { login: 'demo@sandbox.local' });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ result: 4, error: "Missing parameter 'password'." });
    const empty = await callApi(api, `${AUTH}/signin`, { login: '', password: 'demo' }, 'GET');
    expect(empty.body).toMatchObject({ result: 4, error: "Parameter 'login' must not be empty." });
    const nothing = await fetch(`${api}/1.0/${AUTH}/checksign`, { method: 'POST' });
    expect(await nothing.json()).toMatchObject({ result: 4, error: "Missing parameter 'session'." });
  });

  it('refuses a parameter given twice', async () => {
    const reply = await fetch(`${api}/1.0/${AUTH}/checksign?session=a&session=b`);
    expect(await reply.json()).toMatchObject({
      result: 4,
      error: "Parameter 'session' must be given once, as text.",
    });
  });

  it('accepts appid (see apiFidelity.test.ts for the log)', async () => {
    const reply = await callApi(api, `${AUTH}/signin`, {
      login: 'demo@sandbox.local',
      password: 'demo',
      appid: 'cluster',
    });
    expect(reply.body.result).toBe(0);
  });
});

describe('account', () => {
  it('returns the signed-in user', async () => {
    const session = await signIn(api, 'other@sandbox.local', 'other');
    for (const verb of ['GET', 'POST'] as const) {
      const info = await callApi(api, 'users/account/rest/getuserinfo', { session }, verb);
      expect(info.body).toMatchObject({
        result: 0,
        uid: 35526,
        email: 'other@sandbox.local',
        name: 'Other Tenant',
      });
    }
  });

  it('refuses an invalid session', async () => {
    const info = await callApi(api, 'users/account/rest/getuserinfo', { session: 'f'.repeat(64) });
    expect(info.body).toMatchObject({ result: 702 });
  });
});

describe('ssh keys', () => {
  it.each([KEYS, OLD_KEYS])('adds, lists and deletes a key on %s', async (path) => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    const { pub } = makeKey('ed25519', `laptop-${path.split('/')[0]}`);
    const file = join(keysDir, `laptop-${path.split('/')[0]}.pub`);
    const added = await callApi(api, `${path}/addsshkey`, {
      session,
      title: 'Laptop',
      sshKey: pub,
      isPrivate: 'false',
    });
    expect(added.body.result).toBe(0);
    const key = added.body['key'] as Record<string, unknown>;
    const expected = fingerprints(file);
    expect(key).toMatchObject({
      title: 'Laptop',
      publicKey: pub,
      fingerPrint: expected.md5,
      fingerPrintSha256: expected.sha256,
      algorithm: 'ssh-ed25519',
      bits: 256,
      isDeleted: false,
    });
    const listed = await callApi(api, `${path}/getsshkeys`, { session, isPrivate: 'false' }, 'GET');
    expect((listed.body['keys'] as { id: number }[]).map((k) => k.id)).toContain(key['id']);
    expect((await callApi(api, `${path}/deletesshkey`, { session, id: String(key['id']) })).body.result).toBe(
      0,
    );
    const after = await callApi(api, `${path}/getsshkeys`, { session });
    expect((after.body['keys'] as { id: number }[]).map((k) => k.id)).not.toContain(key['id']);
  });

  it('reports an RSA key size as ssh-keygen does', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    const { pub } = makeKey('rsa', 'rsa3072', 3072);
    const added = await callApi(api, `${KEYS}/addsshkey`, { session, title: 'RSA', sshKey: pub });
    expect(added.body['key']).toMatchObject({ algorithm: 'ssh-rsa', bits: 3072 });
  });

  it('answers 6001 for a key that is already there, whatever its title', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    const { pub } = makeKey('ecdsa', 'dup');
    expect(
      (await callApi(api, `${KEYS}/addsshkey`, { session, title: 'one', sshKey: pub })).body.result,
    ).toBe(0);
    const again = await callApi(api, `${KEYS}/addsshkey`, {
      session,
      title: 'two',
      sshKey: pub.replace(/ dup$/, ' x'),
    });
    expect(again.body).toMatchObject({ result: 6001, error: expect.stringMatching(/already added/) });
  });

  it('refuses a private key pasted by mistake and does not store it', async () => {
    const session = await signIn(api, 'other@sandbox.local', 'other');
    const { priv } = makeKey('ed25519', 'oops');
    const before = (await callApi(api, `${KEYS}/getsshkeys`, { session })).body['keys'] as unknown[];
    const reply = await callApi(api, `${KEYS}/addsshkey`, { session, title: 'oops', sshKey: priv });
    expect(reply.body).toMatchObject({ result: 6002, error: expect.stringMatching(/private key/i) });
    const after = (await callApi(api, `${KEYS}/getsshkeys`, { session })).body['keys'] as unknown[];
    expect(after).toHaveLength(before.length);
    expect(JSON.stringify(after)).not.toContain('PRIVATE');
  });

  it.each([
    ['garbage', 'hello world', /Not an OpenSSH public key/],
    ['damaged base64', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE', /damaged|truncated/],
    ['not base64', 'ssh-rsa !!!!', /base64/],
    ['two lines', 'ssh-ed25519 AAAA\nssh-ed25519 BBBB', /single line/],
    [
      'a certificate',
      'ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29t',
      /certificates/i,
    ],
  ])('refuses %s', async (_name, sshKey, message) => {
    const session = await signIn(api, 'other@sandbox.local', 'other');
    const reply = await callApi(api, `${KEYS}/addsshkey`, { session, title: 'bad', sshKey });
    expect(reply.body).toMatchObject({ result: 6002, error: expect.stringMatching(message) });
  });

  it('refuses isPrivate=true: private keys are never stored', async () => {
    const session = await signIn(api, 'other@sandbox.local', 'other');
    const { pub } = makeKey('ed25519', 'private-flag');
    const reply = await callApi(api, `${KEYS}/addsshkey`, {
      session,
      title: 'p',
      sshKey: pub,
      isPrivate: 'true',
    });
    expect(reply.body).toMatchObject({
      result: 4,
      error: expect.stringMatching(/does not store private keys/),
    });
    const bad = await callApi(api, `${KEYS}/getsshkeys`, { session, isPrivate: 'maybe' });
    expect(bad.body).toMatchObject({ result: 4, error: "Parameter 'isPrivate' must be 'true' or 'false'." });
  });

  it("refuses to delete another user's key, an unknown key and a malformed id", async () => {
    const owner = await signIn(api, 'demo@sandbox.local', 'demo');
    const intruder = await signIn(api, 'other@sandbox.local', 'other');
    const { pub } = makeKey('ed25519', 'mine');
    const added = await callApi(api, `${KEYS}/addsshkey`, { session: owner, title: 'mine', sshKey: pub });
    const id = String((added.body['key'] as { id: number }).id);
    expect((await callApi(api, `${KEYS}/deletesshkey`, { session: intruder, id })).body).toMatchObject({
      result: 8202,
      error: expect.stringMatching(/not yours/),
    });
    expect((await callApi(api, `${KEYS}/deletesshkey`, { session: owner, id: '99999999' })).body.result).toBe(
      5,
    );
    expect(
      (await callApi(api, `${KEYS}/deletesshkey`, { session: owner, id: '1 OR 1=1' })).body,
    ).toMatchObject({
      result: 4,
      error: "Parameter 'id' must be a key id (digits).",
    });
    const still = await callApi(api, `${KEYS}/getsshkeys`, { session: owner });
    expect((still.body['keys'] as { id: number }[]).map((k) => String(k.id))).toContain(id);
  });
});

describe('environments', () => {
  it('lists the demo environments with their nodes', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    for (const verb of ['GET', 'POST'] as const) {
      const reply = await callApi(api, `${ENV}/getenvs`, { session, lazy: 'false' }, verb);
      expect(reply.body.result).toBe(0);
      const infos = reply.body['infos'] as {
        env: { envName: string; status: number };
        nodes: { id: number }[];
      }[];
      const byName = Object.fromEntries(infos.map((info) => [info.env.envName, info]));
      expect(Object.keys(byName).sort()).toEqual(['analytics', 'shop', 'staging']);
      expect(byName['shop']?.env.status).toBe(1);
      expect(byName['analytics']?.env.status).toBe(1);
      expect(byName['analytics']?.nodes.map((n) => n.id)).toEqual([518860]);
      expect(byName['staging']?.env.status).toBe(2);
      expect(byName['shop']?.nodes.map((n) => n.id)).toEqual([518839, 518840]);
    }
  });

  it('describes one environment as Jelastic does', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    const reply = await callApi(api, `${ENV}/getenvinfo`, { session, envName: 'shop' }, 'GET');
    expect(reply.body).toMatchObject({
      result: 0,
      env: { envName: 'shop', shortdomain: 'shop', domain: 'shop.sandbox.local', status: 1, uid: 4856 },
      nodeGroups: expect.arrayContaining([
        { name: 'cp', displayName: 'Application Servers' },
        { name: 'sqldb', displayName: 'Databases' },
      ]),
    });
    expect((reply.body['env'] as { createdOn: string }).createdOn).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
    const apache = (reply.body['nodes'] as Record<string, unknown>[]).find((n) => n['id'] === 518839);
    expect(apache).toMatchObject({
      nodeGroup: 'cp',
      nodeType: 'apache2',
      intIP: '10.101.1.11',
      address: '10.101.1.11',
      extIPs: ['203.0.113.39'],
      ismaster: true,
      status: 1,
    });
  });

  it('refuses an unknown environment, a malformed name and another tenant’s environment', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    expect((await callApi(api, `${ENV}/getenvinfo`, { session, envName: 'nope' })).body).toMatchObject({
      result: 5,
      error: "Environment 'nope' not found.",
    });
    expect((await callApi(api, `${ENV}/getenvinfo`, { session, envName: '../etc' })).body.result).toBe(4);
    expect((await callApi(api, `${ENV}/getenvinfo`, { session, envName: 'blog' })).body.result).toBe(8202);
    expect((await callApi(api, `${ENV}/stopenv`, { session, envName: 'blog' })).body.result).toBe(8202);
  });

  it('starts and stops an environment, with its nodes', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    const wrong = await callApi(api, `${ENV}/stopenv`, { session, envName: 'staging' });
    expect(wrong.body).toMatchObject({
      result: 2212,
      error:
        'Not allowed to execute this service for current Environment status [ENV_STATUS_TYPE_DOWN]. ' +
        'Required statuses [ENV_STATUS_TYPE_RUNNING, ENV_STATUS_TYPE_SLEEP]',
    });
    expect((await sandbox.store.getNode(518850))?.access).toBeNull();

    expect((await callApi(api, `${ENV}/startenv`, { session, envName: 'staging' })).body.result).toBe(0);
    const access = (await sandbox.store.getNode(518850))?.access;
    expect(access?.port).toBeGreaterThan(0);
    expect(sandbox.nodes.server(518850)?.pid).toBeGreaterThan(0);
    const status = await callApi(api, `${ENV}/getenvinfo`, { session, envName: 'staging' });
    expect((status.body['env'] as { status: number }).status).toBe(1);

    expect((await callApi(api, `${ENV}/sleepenv`, { session, envName: 'staging' }, 'GET')).body.result).toBe(
      0,
    );
    expect((await sandbox.store.getEnvironment('staging'))?.status).toBe(4);
    expect((await sandbox.store.getNode(518850))?.access).toBeNull();
    expect((await callApi(api, `${ENV}/startenv`, { session, envName: 'staging' })).body.result).toBe(0);
    expect((await callApi(api, `${ENV}/stopenv`, { session, envName: 'staging' })).body.result).toBe(0);
    expect((await sandbox.store.getEnvironment('staging'))?.status).toBe(2);
    expect(sandbox.nodes.server(518850)).toBeUndefined();
  });
});

describe('transport', () => {
  it('refuses a body over the limit with an envelope, not a stack', async () => {
    const reply = await fetch(`${api}/1.0/${AUTH}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `login=a&password=${'x'.repeat(200_000)}`,
    });
    expect(reply.status).toBe(413);
    const body = (await reply.json()) as ApiParams;
    expect(body).toMatchObject({ result: 4, error: expect.stringMatching(/too large/) });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
  });

  it('answers an unknown method and an unknown content type with an envelope', async () => {
    const unknown = await fetch(`${api}/1.0/environment/control/rest/deleteenv`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      result: 5,
      error: expect.stringMatching(/Unknown API method/),
    });
    const xml = await fetch(`${api}/1.0/${AUTH}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<login/>',
    });
    expect(await xml.json()).toMatchObject({
      result: 4,
      error: expect.stringMatching(/x-www-form-urlencoded/),
    });
  });

  it('never writes passwords or session tokens to the log', async () => {
    const session = await signIn(api, 'demo@sandbox.local', 'demo');
    await callApi(api, `${AUTH}/signin`, { login: 'demo@sandbox.local', password: 'demo' }, 'GET');
    await callApi(api, `${AUTH}/signin`, { login: 'demo@sandbox.local', password: 'Secret-Typo-123' }, 'GET');
    await callApi(api, `${ENV}/getenvs`, { session }, 'GET');
    await callApi(api, `${AUTH}/checksign`, { session: 'bogus-token-value-xyz' }, 'GET');
    // The log stream is asynchronous: wait for the last request's line, then read everything before it.
    const logFile = join(sandbox.dataDir, 'logs', 'api.log');
    const logged = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    await expect.poll(logged).toContain('/1.0/users/authentication/rest/checksign');
    const log = logged();
    expect(log).toContain('/1.0/environment/control/rest/getenvs');
    expect(log).not.toContain(session);
    expect(log).not.toContain('Secret-Typo-123');
    expect(log).not.toContain('bogus-token-value-xyz');
    expect(log).not.toMatch(/password=/);
  });
});

// Last: it leaves wrong passwords counted against the other tenant's login.
describe('repeated wrong passwords', () => {
  it('do not keep the owner out of the address they signed in from', async () => {
    for (let i = 0; i < 5; i++) {
      const reply = await callApi(api, `${AUTH}/signin`, {
        login: 'other@sandbox.local',
        password: `guess-${i}`,
      });
      expect(reply.body.result).toBe(701);
    }
    // other@ signed in from 127.0.0.1 above, so the login's delay does not apply there; the delay
    // elsewhere, the per-address limit and the password queue are in api/signInThrottle.test.ts.
    const owner = await callApi(api, `${AUTH}/signin`, { login: 'OTHER@sandbox.local', password: 'other' });
    expect(owner.body.result).toBe(0);
    // Other logins are unaffected.
    expect(
      (await callApi(api, `${AUTH}/signin`, { login: 'demo@sandbox.local', password: 'demo' })).body.result,
    ).toBe(0);
  });
});
