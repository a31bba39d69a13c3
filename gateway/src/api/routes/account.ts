import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../Authenticator.ts';
import { success } from '../envelope.ts';
import { registerMethod } from '../method.ts';

export function accountRoutes(app: FastifyInstance, auth: Authenticator): void {
  registerMethod(app, ['users/account'], 'getuserinfo', { session: { maxLength: 256 } }, async (p, call) => {
    const user = await auth.requireUser(p.session, call.method);
    return success({ uid: user.uid, email: user.email, name: user.name, login: user.login });
  });
}
