import {
  AuthenticationFailed,
  PermissionDenied,
  PlatformError,
  PlatformUnreachable,
  SignedOut,
} from '../../../shared/src/errors.ts';
import { apiBaseUrl, checkedApiUrl, jelasticMethodName } from '../../../shared/src/apiMethods.ts';
import { httpPost, type HttpAnswer, type HttpPost } from './httpPost.ts';

/** The Jelastic envelope: `result` 0 is success; the rest of the fields depend on the method. */
export type ApiReply = { result: number; error?: string } & Record<string, unknown>;

export interface JelasticApiOptions {
  /** The API's base URL, without `/1.0/` (one given with it is normalised). */
  baseUrl: string;
  timeoutMs?: number;
  /** Replaceable for tests of odd servers; node:http(s) otherwise (`httpPost`). */
  post?: HttpPost;
  /** Whether the credential in `session` is an access token: a refusal then names the token. */
  usesToken?: () => boolean;
}

// Codes the sandbox uses (docs/api.md) and that the real service's clients have been seen to send.
const WRONG_PASSWORD = 701;
const TOO_MANY_ATTEMPTS = 703;
/** Permission denied: the session or token is valid, the method is not allowed to it. */
const PERMISSION_DENIED = 8202;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The HTTP side of the platform API: form POSTs to `{base}/1.0/{path}`, the envelope checked, every
 * failure a typed error. A non-zero result on an authenticated call is confirmed with `checksign`
 * before it is called "signed out": the code for an invalid session is not published; 8202 is
 * "not allowed", never "signed out" (a token limited to some methods answers it for the others).
 *
 * No `appid` is sent: softozor/jelastic-client, liip/jelapi and GoJelastic send none and work
 * against real installations; py-jelastic's `cluster` is a system value we have no claim to.
 */
export class JelasticApi {
  private readonly send: HttpPost;
  /** The base calls go to: the one given, or its https form after the platform redirected there. */
  private base: string;

  constructor(private readonly options: JelasticApiOptions) {
    this.send = options.post ?? httpPost;
    // Checked here too, not only where the address is typed: a profile saved by an older version
    // may hold an http address for a remote host.
    this.base = checkedApiUrl(options.baseUrl);
  }

  async call(path: string, params: Record<string, string>): Promise<ApiReply> {
    const body = new URLSearchParams(params).toString();
    let response = await this.post(`${this.base}/1.0/${path}`, body);
    if (REDIRECTS.has(response.status)) response = await this.followUpgrade(response, path, body);
    const text = response.body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const status = response.status;
      if (status === 404) return { result: 5, error: `Unknown API method ${path}.`, httpStatus: 404 };
      throw new PlatformUnreachable(
        `${this.base} answered HTTP ${status} with something that is not the platform API. Check the address.`,
        { url: this.base, status },
      );
    }
    if (!parsed || typeof parsed !== 'object' || typeof (parsed as ApiReply).result !== 'number') {
      throw new PlatformUnreachable(`${this.base} did not answer like a Jelastic API.`, { url: this.base });
    }
    return { ...(parsed as ApiReply), httpStatus: response.status };
  }

  /** A call that must succeed; failures become typed errors carrying the platform's message. */
  async expect(path: string, params: Record<string, string>): Promise<ApiReply> {
    return this.settle(path, params, await this.call(path, params));
  }

  /** A reply of `call` judged as `expect` would: returned on success, a typed error otherwise. */
  async settle(path: string, params: Record<string, string>, reply: ApiReply): Promise<ApiReply> {
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
    } else if (reply.result === PERMISSION_DENIED) {
      throw this.permissionDenied(path, message);
    } else if (params['session'] !== undefined && !path.endsWith('/checksign')) {
      const check = await this.call('users/authentication/rest/checksign', { session: params['session'] });
      if (check.result !== 0)
        throw new SignedOut('Your session has expired. Sign in again.', { result: reply.result });
    } else if (path.endsWith('/checksign')) {
      throw new SignedOut('Your session has expired. Sign in again.', { result: reply.result });
    }
    throw new PlatformError(message, { result: reply.result });
  }

  private permissionDenied(path: string, message: string): PermissionDenied {
    // The platform's words may name the method (`… does not allow management.Account.AddSSHKey`).
    const named = /\b([a-z]+\.[A-Z][A-Za-z]*\.[A-Z][A-Za-z0-9]*)\b/.exec(message)?.[1];
    const method = named ?? jelasticMethodName(path);
    const text = this.options.usesToken?.()
      ? `Your access token lacks permission for ${method}. Create a token that includes it (dashboard: Settings → API Access Tokens).`
      : `The platform refused ${method} (permission denied): ${message}`;
    return new PermissionDenied(text, { method, result: PERMISSION_DENIED, platform: message });
  }

  private async post(url: string, body: string): Promise<HttpAnswer> {
    try {
      return await this.send(url, body, this.options.timeoutMs ?? 30_000);
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new PlatformUnreachable(
        `Cannot reach the platform at ${this.base} (${reason}). Check the address and your connection.`,
        { url: this.base },
      );
    }
  }

  /**
   * An http address the platform moves to https on the same host is followed (the same POST sent
   * again, and the https base kept for later calls); any other redirect is the user's to confirm,
   * since the form carries a password or a token.
   */
  private async followUpgrade(response: HttpAnswer, path: string, body: string): Promise<HttpAnswer> {
    const location = response.location ?? '';
    const from = new URL(this.base);
    let to: URL | undefined;
    try {
      to = new URL(location, `${this.base}/1.0/${path}`);
    } catch {
      to = undefined;
    }
    const suffix = `/1.0/${path}`;
    if (
      !to ||
      from.protocol !== 'http:' ||
      to.protocol !== 'https:' ||
      to.hostname !== from.hostname ||
      !to.pathname.endsWith(suffix)
    ) {
      throw new PlatformUnreachable(
        `The platform at ${this.base} redirects to ${location || '(nowhere)'}. If that is your platform, use that address instead.`,
        { url: this.base, location },
      );
    }
    this.base = apiBaseUrl(`${to.origin}${to.pathname.slice(0, -suffix.length)}`);
    const again = await this.post(`${this.base}${suffix}`, body);
    if (REDIRECTS.has(again.status)) {
      throw new PlatformUnreachable(`The platform at ${this.base} redirects again; check the address.`, {
        url: this.base,
      });
    }
    return again;
  }
}
