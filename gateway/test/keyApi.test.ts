import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, signIn } from './support/api.ts';
import { BareApi } from './support/bareApi.ts';

describe.each([
  ['users', 'users/account', 'management/account'],
  ['management', 'management/account', 'users/account'],
] as const)("keyApi '%s'", (keyApi, served, missing) => {
  let api: BareApi;
  let session: string;

  beforeAll(async () => {
    api = await BareApi.start({ keyApi });
    session = await signIn(api.base, 'demo@sandbox.local', 'demo');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it(`serves the key methods under ${served} only`, async () => {
    expect((await callApi(api.base, `${served}/rest/getsshkeys`, { session })).body).toMatchObject({
      result: 0,
      keys: [],
    });
    for (const method of ['getsshkeys', 'addsshkey', 'deletesshkey']) {
      const reply = await callApi(api.base, `${missing}/rest/${method}`, {
        session,
        title: 't',
        sshKey: 'x',
        id: '1',
      });
      expect(reply.status, method).toBe(404);
      expect(reply.body, method).toMatchObject({
        result: 5,
        error: `Unknown API method POST /1.0/${missing}/rest/${method}.`,
      });
    }
  });

  it('leaves getuserinfo where it always is', async () => {
    const info = await callApi(api.base, 'users/account/rest/getuserinfo', { session });
    expect(info.body).toMatchObject({ result: 0, uid: 4856 });
  });
});
