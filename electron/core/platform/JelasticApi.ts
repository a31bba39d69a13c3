import {
  AuthenticationFailed,
  PlatformError,
  PlatformUnreachable,
  SignedOut,
} from '../../../shared/src/errors.ts';

/** The Jelastic envelope: `result` 0 is success; the rest of the fields depend on the method. */
export type ApiReply = { result: number; error?: string } & Record<string, unknown>;

export interface JelasticApiOptions {
  /** The API's base URL, without `/1.0/`. */
  baseUrl: string;
  timeoutMs?: number;
  /** Replaceable for tests of odd servers; the global fetch otherwise. */
  fetch?: typeof fetch;
}

// Codes the sandbox uses (docs/api.md) and that the real service's clients have been seen to send.
const WRONG_PASSWORD = 701;
const TOO_MANY_ATTEMPTS = 703;

/**
 * The HTTP side of the platform API: form POSTs to `{base}/1.0/{path}`, the envelope checked, every
 * failure a typed error. A non-zero result on an authenticated call is confirmed with `checksign`
 * before it is called "signed out": the code for an invalid session is not published.
 */
export class JelasticApi {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: JelasticApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async call(path: string, params: Record<string, string>): Promise<ApiReply> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/1.0/${path}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...params, appid: 'dashboard' }).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        redirect: 'error',
      });
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new PlatformUnreachable(
        `Cannot reach the platform at ${this.options.baseUrl} (${reason}). Check the address and your connection.`,
        { url: this.options.baseUrl },
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PlatformUnreachable(
        `${this.options.baseUrl} answered HTTP ${response.status} with something that is not the platform API. Check the address.`,
        { url: this.options.baseUrl, status: response.status },
      );
    }
    if (!body || typeof body !== 'object' || typeof (body as ApiReply).result !== 'number') {
      throw new PlatformUnreachable(`${this.options.baseUrl} did not answer like a Jelastic API.`, {
        url: this.options.baseUrl,
      });
    }
    return body as ApiReply;
  }

  /** A call that must succeed; failures become typed errors carrying the platform's message. */
  async expect(path: string, params: Record<string, string>): Promise<ApiReply> {
    const reply = await this.call(path, params);
    if (reply.result === 0) return reply;
    const message = reply.error ?? `The platform refused (result ${reply.result}).`;
    if (path.endsWith('/signin')) {
      if (
        reply.result === WRONG_PASSWORD ||
        reply.result === TOO_MANY_ATTEMPTS ||
        /password|login/i.test(message)
      ) {
        throw new AuthenticationFailed(message, { result: reply.result });
      }
    } else if (params['session'] !== undefined && !path.endsWith('/checksign')) {
      const check = await this.call('users/authentication/rest/checksign', { session: params['session'] });
      if (check.result !== 0)
        throw new SignedOut('Your session has expired. Sign in again.', { result: reply.result });
    } else if (path.endsWith('/checksign')) {
      throw new SignedOut('Your session has expired. Sign in again.', { result: reply.result });
    }
    throw new PlatformError(message, { result: reply.result });
  }
}
