import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/Store.ts';
import type { User } from '../../store/types.ts';
import { issueAccessToken, parseApiList, parseExpiresAt, tokenView } from '../accessTokens.ts';
import type { Authenticator } from '../Authenticator.ts';
import { ApiError, ResultCode, success } from '../envelope.ts';
import { registerMethod } from '../method.ts';

const SESSION = { maxLength: 256 };
const ID = { maxLength: 12, pattern: { source: '^[0-9]+$', describe: 'must be a token id (digits)' } };
const IDS = {
  maxLength: 1024,
  pattern: {
    source: '^(\\*|[0-9]+([,;][0-9]+)*)$',
    describe: "must be token ids separated by commas or semicolons, or '*' for all",
  },
};
const WHY = 'needs a password sign-in; an access token cannot manage tokens.';

/** Personal access tokens: users/authentication/rest/createtoken, gettokens, deletetoken(s). */
export function tokenRoutes(app: FastifyInstance, auth: Authenticator, store: Store): void {
  const prefixes = ['users/authentication'];

  registerMethod(
    app,
    prefixes,
    'createtoken',
    {
      session: SESSION,
      password: { maxLength: 1024 },
      description: { maxLength: 256 },
      apiList: { maxLength: 16_384 },
      expiresAt: { optional: true, maxLength: 40 },
    },
    async (p, call) => {
      const { user } = await auth.requireSession(p.session, call.method, WHY);
      const methods = parseApiList(p.apiList);
      const expiresAt = parseExpiresAt(p.expiresAt, auth.now());
      await auth.confirmPassword(user, p.password, call.request.ip);
      const { token, record } = await issueAccessToken(store, {
        uid: user.uid,
        description: p.description.trim(),
        methods,
        expiresAt,
      });
      return success({ token, id: record.id, tokenInfo: tokenView(record, auth.now()) });
    },
  );

  registerMethod(
    app,
    prefixes,
    'gettokens',
    { session: SESSION, ids: { ...IDS, optional: true } },
    async (p, call) => {
      const { user } = await auth.requireSession(p.session, call.method, WHY);
      const wanted = selection(p.ids);
      const tokens = (await store.listAccessTokens(user.uid)).filter((t) => !wanted || wanted.has(t.id));
      return success({ tokens: tokens.map((t) => tokenView(t, auth.now())) });
    },
  );

  /** Checks every id first, so a list with one bad id deletes nothing. */
  async function deleteOwned(user: User, ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      const token = await store.getAccessToken(id);
      if (!token) throw new ApiError(ResultCode.NotFound, `Access token ${id} not found.`);
      if (token.uid !== user.uid) {
        throw new ApiError(ResultCode.PermissionDenied, `Access token ${id} is not yours to delete.`);
      }
    }
    for (const id of ids) await store.deleteAccessToken(id);
  }

  registerMethod(app, prefixes, 'deletetoken', { session: SESSION, id: ID }, async (p, call) => {
    const { user } = await auth.requireSession(p.session, call.method, WHY);
    await deleteOwned(user, [Number(p.id)]);
    return success();
  });

  // The name py-jelastic documents: several ids at once, or '*' for every token of the account.
  registerMethod(app, prefixes, 'deletetokens', { session: SESSION, ids: IDS }, async (p, call) => {
    const { user } = await auth.requireSession(p.session, call.method, WHY);
    const wanted = selection(p.ids);
    await deleteOwned(user, wanted ? [...wanted] : (await store.listAccessTokens(user.uid)).map((t) => t.id));
    return success();
  });
}

/** The ids of `1;4;6` or `1,4`; undefined for `*` or nothing, meaning all. */
function selection(ids: string | undefined): Set<number> | undefined {
  if (ids === undefined || ids === '*') return undefined;
  return new Set(ids.split(/[,;]/).map(Number));
}
