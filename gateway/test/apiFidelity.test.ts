import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, signIn } from './support/api.ts';
import { BareApi } from './support/bareApi.ts';

/** Where the real platform is known to differ from the first sandbox (docs/api.md). */
let api: BareApi;
let session: string;

beforeAll(async () => {
  api = await BareApi.start();
  session = await signIn(api.base, 'demo@sandbox.local', 'demo');
});
afterAll(async () => {
  await api?.stop();
});

const ENV = 'environment/control/rest';

describe('as the real platform answers', () => {
  it('signin reports the account status as a string', async () => {
    const reply = await callApi(api.base, 'users/authentication/rest/signin', {
      login: 'other@sandbox.local',
      password: 'other',
    });
    expect(reply.body).toMatchObject({ result: 0, uid: 35526, status: 'ACTIVE' });
    expect(typeof reply.body['status']).toBe('string');
  });

  it('getenvs with lazy=true lists only the environments’ metadata: no nodes, no node groups', async () => {
    for (const lazy of ['true', 'TRUE']) {
      const reply = await callApi(api.base, `${ENV}/getenvs`, { session, lazy });
      const infos = reply.body['infos'] as Record<string, unknown>[];
      expect(infos.map((info) => Object.keys(info))).toEqual([['env'], ['env'], ['env']]);
      expect(infos.map((info) => (info['env'] as { envName: string }).envName).sort()).toEqual([
        'analytics',
        'shop',
        'staging',
      ]);
    }
    for (const params of [{ session }, { session, lazy: 'false' }] as Record<string, string>[]) {
      const full = await callApi(api.base, `${ENV}/getenvs`, params);
      const infos = full.body['infos'] as { nodes: { id: number }[]; nodeGroups: unknown[] }[];
      expect(infos.flatMap((info) => info.nodes.map((n) => n.id)).sort()).toEqual([
        518839, 518840, 518850, 518860,
      ]);
      expect(infos.every((info) => info.nodeGroups.length > 0)).toBe(true);
    }
  });

  it('accepts any appid, or none, and logs each call with its method and appid', async () => {
    for (const appid of ['cluster', 'dashboard', 'some-app-7f3a']) {
      expect((await callApi(api.base, `${ENV}/getenvs`, { session, appid })).body.result).toBe(0);
    }
    expect((await callApi(api.base, `${ENV}/getenvs`, { session })).body.result).toBe(0);
    // A refused call is logged too.
    await callApi(api.base, `${ENV}/getenvinfo`, { session, appid: 'appid-log-check' }, 'GET');
    const calls = (await api.logText('appid-log-check'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'api call');
    const getEnvs = calls
      .filter((c) => c['apiMethod'] === 'environment.Control.GetEnvs')
      .map((c) => c['appid']);
    expect(getEnvs).toEqual(expect.arrayContaining(['cluster', 'dashboard', 'some-app-7f3a', null]));
    expect(calls).toContainEqual(
      expect.objectContaining({ apiMethod: 'environment.Control.GetEnvInfo', appid: 'appid-log-check' }),
    );
    expect(JSON.stringify(calls)).not.toContain(session);
  });
});
