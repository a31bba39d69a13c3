import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../Authenticator.ts';
import { success } from '../envelope.ts';
import { registerMethod } from '../method.ts';

/** Jelastic user status: 1 is an active account. */
const USER_ACTIVE = 1;

export function authenticationRoutes(app: FastifyInstance, auth: Authenticator): void {
  const prefixes = ['users/authentication'];

  registerMethod(
    app,
    prefixes,
    'signin',
    { login: { maxLength: 254 }, password: { maxLength: 1024 } },
    async (p) => {
      const { session, user } = await auth.signIn(p.login, p.password);
      return success({ session, uid: user.uid, email: user.email, name: user.name, status: USER_ACTIVE });
    },
  );

  registerMethod(app, prefixes, 'signout', { session: { maxLength: 256 } }, async (p) => {
    await auth.requireUser(p.session);
    await auth.signOut(p.session);
    return success();
  });

  registerMethod(app, prefixes, 'checksign', { session: { maxLength: 256 } }, async (p) => {
    await auth.requireUser(p.session);
    return success();
  });
}
