import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../Authenticator.ts';
import { ApiError, ResultCode, success } from '../envelope.ts';
import { registerMethod } from '../method.ts';

/**
 * The account status signin reports. The real service answers a string; Jelastic's account statuses
 * are Active, Deactivated, Suspended and Destroyed, but the exact spelling is inferred.
 */
const USER_ACTIVE = 'ACTIVE';

const SESSION = { maxLength: 256 };
const CODE = {
  maxLength: 16,
  pattern: { source: '^\\s*[0-9]{6}\\s*$', describe: 'must be the 6-digit code from the authenticator app' },
};

export function authenticationRoutes(app: FastifyInstance, auth: Authenticator): void {
  const prefixes = ['users/authentication'];

  registerMethod(
    app,
    prefixes,
    'signin',
    { login: { maxLength: 254 }, password: { maxLength: 1024 } },
    async (p, call) => {
      const { session, user, requiredAuthCheck } = await auth.signIn(p.login, p.password, call.request.ip);
      // Until the code is verified the caller has proved only the password: tell it nothing more.
      if (requiredAuthCheck) return success({ session, requiredAuthCheck: true });
      return success({ session, uid: user.uid, email: user.email, name: user.name, status: USER_ACTIVE });
    },
  );

  registerMethod(app, prefixes, 'verify2facode', { session: SESSION, code: CODE }, async (p, call) => {
    await auth.verifyCode(p.session, p.code.trim(), call.request.ip);
    return success();
  });

  registerMethod(app, prefixes, 'signout', { session: SESSION }, async (p, call) => {
    const credential = await auth.authenticate(p.session, call.method);
    // What the real service does with a token here is unknown; a sign-out that silently revoked
    // (or ignored) a token would surprise either way, so the sandbox refuses.
    if (credential.kind === 'token') {
      throw new ApiError(
        ResultCode.PermissionDenied,
        'Permission denied: signout does not take an access token. The token stays valid; delete it with deletetoken.',
      );
    }
    await auth.signOut(credential.sessionHash);
    return success();
  });

  registerMethod(app, prefixes, 'checksign', { session: SESSION }, async (p, call) => {
    await auth.requireUser(p.session, call.method);
    return success();
  });
}
