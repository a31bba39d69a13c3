import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Envelope } from './envelope.ts';
import { apiMethodName } from './methodNames.ts';
import { InvalidParametersError, validationMessage, type SchemaIssue } from './validationMessage.ts';

/** One API parameter: every Jelastic parameter travels as a string. */
export interface ParamSpec {
  maxLength?: number;
  /** A regular expression the value must match, and how to say so when it does not. */
  pattern?: { source: string; describe: string };
  optional?: boolean;
}

export type ParamSpecs = Record<string, ParamSpec>;
export type Params<S extends ParamSpecs> = {
  [K in keyof S]: S[K]['optional'] extends true ? string | undefined : string;
};

const DEFAULT_MAX_LENGTH = 4096;

/** JSON schema for a method's parameters; `appid` and anything unknown pass through untouched. */
function schemaFor(specs: ParamSpecs): object {
  const properties: Record<string, object> = {};
  for (const [name, spec] of Object.entries(specs)) {
    properties[name] = {
      type: 'string',
      minLength: 1,
      maxLength: spec.maxLength ?? DEFAULT_MAX_LENGTH,
      ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
    };
  }
  const required = Object.entries(specs)
    .filter(([, spec]) => !spec.optional)
    .map(([name]) => name);
  return { type: 'object', properties, required, additionalProperties: true };
}

/** What a handler learns about its call besides the parameters. */
export interface MethodCall {
  /** The Jelastic method name for the path called, e.g. `management.Account.AddSSHKey`. */
  method: string;
  request: FastifyRequest;
}

const MAX_LOGGED_APPID = 64;

/**
 * One log line per call: the method and the caller's `appid` (clients send different ones, and the
 * real service's reaction to each is unconfirmed). Never parameters: they carry passwords, sessions,
 * tokens and codes.
 */
function logCall(request: FastifyRequest, method: string, params: Record<string, unknown>): void {
  const appid = params['appid'];
  request.log.info(
    { apiMethod: method, appid: typeof appid === 'string' ? appid.slice(0, MAX_LOGGED_APPID) : null },
    'api call',
  );
}

/**
 * Registers one API method on `{prefix}/rest/{name}` for every prefix, on both GET (query string)
 * and POST (form body; query parameters also count, as on the real service). The handler is told
 * the Jelastic name of the path that was called, which is what a token's permissions are about.
 */
export function registerMethod<S extends ParamSpecs>(
  app: FastifyInstance,
  prefixes: readonly string[],
  name: string,
  specs: S,
  handler: (params: Params<S>, call: MethodCall) => Promise<Envelope>,
): void {
  const schema = schemaFor(specs);
  const schemaErrorFormatter = (issues: SchemaIssue[]) =>
    new InvalidParametersError(validationMessage(issues, specs));
  for (const prefix of prefixes) {
    const url = `/1.0/${prefix}/rest/${name}`;
    const method = apiMethodName(prefix, name);
    // Logged before validation, so a refused call shows up too.
    app.get(
      url,
      {
        schema: { querystring: schema },
        schemaErrorFormatter,
        preValidation: async (request) => logCall(request, method, request.query as Record<string, unknown>),
      },
      (request) => handler(request.query as Params<S>, { method, request }),
    );
    app.post(
      url,
      {
        schema: { body: schema },
        schemaErrorFormatter,
        preValidation: async (request) => {
          const body = request.body && typeof request.body === 'object' ? request.body : {};
          request.body = { ...(request.query as object), ...body };
          logCall(request, method, request.body as Record<string, unknown>);
        },
      },
      (request) => handler(request.body as Params<S>, { method, request }),
    );
  }
}
