import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Writable } from 'node:stream';
import type { Store } from '../store/Store.ts';
import { Authenticator } from './Authenticator.ts';
import { ApiError, failure, ResultCode } from './envelope.ts';
import type { EnvironmentLifecycle } from './EnvironmentLifecycle.ts';
import { LoginThrottle, type LoginThrottleOptions } from './LoginThrottle.ts';
import { PasswordQueue } from './PasswordQueue.ts';
import { accountRoutes } from './routes/account.ts';
import { authenticationRoutes } from './routes/authentication.ts';
import { environmentRoutes } from './routes/environments.ts';
import { sshKeyRoutes, type KeyApi } from './routes/sshKeys.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { InvalidParametersError } from './validationMessage.ts';

export interface PlatformApiOptions {
  store: Store;
  lifecycle: EnvironmentLifecycle;
  /** Where JSON log lines go; nothing is logged when absent. */
  logStream?: Writable;
  /** Largest request body accepted; the biggest legitimate one is an RSA 16384 public key. */
  bodyLimit?: number;
  sessionLifetimeMs?: number;
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Where every password hash and check waits its turn; pass one to read its stats. */
  passwordQueue?: PasswordQueue;
  /**
   * Take the caller's address from X-Forwarded-For, as fastify's `trustProxy` reads it: only when the
   * API sits behind a reverse proxy you run, given as that proxy's address(es) (or `true`, meaning
   * every peer is a proxy). Off by default: a header any caller can write must not choose the
   * address the sign-in limits count.
   */
  trustProxy?: boolean | string | string[];
  /** Where the SSH key methods are served: both paths (default), or only users/account or management/account. */
  keyApi?: KeyApi;
}

const DAY = 24 * 60 * 60_000;

/**
 * Logs a request by method and path only: the query string carries passwords and session tokens
 * on GET calls, so it never reaches a log.
 */
const requestSerializer = (request: FastifyRequest) => ({
  method: request.method,
  path: request.url.split('?')[0],
  remoteAddress: request.ip,
});

/** The Jelastic API subset of spec/platform-api.md, as a fastify instance ready to listen. */
export async function createPlatformApi(options: PlatformApiOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const app = Fastify({
    bodyLimit,
    logger: options.logStream
      ? { level: 'info', stream: options.logStream, serializers: { req: requestSerializer } }
      : false,
    // Parameters are plain strings; never let a crafted query grow into nested objects.
    routerOptions: { maxParamLength: 256 },
    trustProxy: options.trustProxy ?? false,
  });
  await app.register(formbody, { bodyLimit });

  const auth = new Authenticator(
    options.store,
    new LoginThrottle(options.loginThrottle),
    options.passwordQueue ?? new PasswordQueue(),
    options.sessionLifetimeMs ?? DAY,
  );

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return reply.code(200).send(failure(error.result, error.message));
    if (error instanceof InvalidParametersError) {
      return reply.code(200).send(failure(ResultCode.InvalidParameter, error.message));
    }
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(failure(ResultCode.InvalidParameter, `Request body too large (at most ${bodyLimit} bytes).`));
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .code(415)
        .send(failure(ResultCode.InvalidParameter, 'Send parameters as application/x-www-form-urlencoded.'));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send(failure(ResultCode.InvalidParameter, `Bad request: ${(error as Error).message}`));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(failure(ResultCode.InternalError, 'Internal error; see the platform log.'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        failure(ResultCode.NotFound, `Unknown API method ${request.method} ${request.url.split('?')[0]}.`),
      ),
  );

  authenticationRoutes(app, auth);
  tokenRoutes(app, auth, options.store);
  accountRoutes(app, auth);
  sshKeyRoutes(app, auth, options.store, options.keyApi);
  environmentRoutes(app, auth, options.store, options.lifecycle);
  return app;
}
