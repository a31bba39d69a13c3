import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Envelope } from './envelope.ts';
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

/**
 * Registers one API method on `{prefix}/rest/{name}` for every prefix, on both GET (query string)
 * and POST (form body; query parameters also count, as on the real service).
 */
export function registerMethod<S extends ParamSpecs>(
  app: FastifyInstance,
  prefixes: readonly string[],
  name: string,
  specs: S,
  handler: (params: Params<S>, request: FastifyRequest) => Promise<Envelope>,
): void {
  const schema = schemaFor(specs);
  const schemaErrorFormatter = (issues: SchemaIssue[]) =>
    new InvalidParametersError(validationMessage(issues, specs));
  for (const prefix of prefixes) {
    const url = `/1.0/${prefix}/rest/${name}`;
    app.get(url, { schema: { querystring: schema }, schemaErrorFormatter }, (request) =>
      handler(request.query as Params<S>, request),
    );
    app.post(
      url,
      {
        schema: { body: schema },
        schemaErrorFormatter,
        preValidation: async (request) => {
          const body = request.body && typeof request.body === 'object' ? request.body : {};
          request.body = { ...(request.query as object), ...body };
        },
      },
      (request) => handler(request.body as Params<S>, request),
    );
  }
}
