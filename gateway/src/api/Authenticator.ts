import { randomBytes } from 'node:crypto';
import type { Store } from '../store/Store.ts';
import type { AccessTokenRecord, User } from '../store/types.ts';
import { hashPassword, verifyPassword } from '../store/password.ts';
import { hashToken } from './accessTokens.ts';
import { ApiError, ResultCode } from './envelope.ts';
import type { LoginThrottle } from './LoginThrottle.ts';
import { methodKey } from './methodNames.ts';
import { acceptedStep } from './totp.ts';

export { hashToken } from './accessTokens.ts';

export interface SignedIn {
  session: string;
  user: User;
  /** True for a two-factor account: the session is good only for verify2facode until a code passes. */
  requiredAuthCheck: boolean;
}

/** Who is calling, and with what: a session from signin, or a personal access token. */
export type Credential =
  | { kind: 'session'; user: User; sessionHash: string }
  | { kind: 'token'; user: User; token: AccessTokenRecord };

/**
 * Methods every valid token may call whatever its apiList says: a client must be able to learn
 * whose token it holds and whether it still works, or it cannot tell "no permission" from "signed
 * out". (inferred; see docs/api.md)
 */
const ALWAYS_ALLOWED_FOR_TOKENS = new Set(
  ['users.Authentication.CheckSign', 'users.Account.GetUserInfo'].map(methodKey),
);

const invalidSession = () =>
  new ApiError(ResultCode.InvalidSession, 'Invalid or expired session. Sign in again.');

/** Sign-in, sign-out, two-factor codes and the check of every call's session or token. */
export class Authenticator {
  // Verified against when the login is unknown, so a wrong login costs as long as a wrong password
  // and response times do not reveal which logins exist.
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    private readonly sessionLifetimeMs: number,
    readonly now: () => Date = () => new Date(),
  ) {
    this.decoyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  async signIn(login: string, password: string): Promise<SignedIn> {
    this.refuseWhileLocked(login);
    const user = await this.store.findUserByLogin(login.trim());
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !valid) {
      this.throttle.recordFailure(login);
      throw new ApiError(ResultCode.AuthenticationFailed, 'Wrong login or password.');
    }
    const requiredAuthCheck = user.totpSecret !== null;
    // For a two-factor account only a right code clears the failures: otherwise a guesser who has
    // the password could sign in again after every few wrong codes and guess without limit.
    if (!requiredAuthCheck) this.throttle.recordSuccess(login);
    const session = randomBytes(32).toString('hex');
    await this.store.createSession(
      hashToken(session),
      user.uid,
      new Date(this.now().getTime() + this.sessionLifetimeMs),
      { pendingCode: requiredAuthCheck },
    );
    const { passwordHash: _hash, totpSecret: _secret, ...publicUser } = user;
    return { session, user: publicUser, requiredAuthCheck };
  }

  async signOut(sessionHash: string): Promise<void> {
    await this.store.deleteSession(sessionHash);
  }

  /**
   * The caller of `method` (its Jelastic name, e.g. `environment.Control.GetEnvs`): a session works
   * for every method, a token for those in its apiList; a two-factor session waiting for its code
   * works for none.
   */
  async authenticate(sessionOrToken: string, method: string): Promise<Credential> {
    const hash = hashToken(sessionOrToken);
    const session = await this.store.findSession(hash, this.now());
    if (session) {
      const user = await this.store.getUser(session.uid);
      if (!user) throw invalidSession();
      if (session.pendingCode) {
        throw new ApiError(
          ResultCode.PermissionDenied,
          'Two-factor authentication required: verify the code first.',
        );
      }
      return { kind: 'session', user, sessionHash: hash };
    }
    const token = await this.store.findAccessToken(hash);
    const user = token && (await this.store.getUser(token.uid));
    if (!token || !user) throw invalidSession();
    if (token.expiresAt && token.expiresAt.getTime() <= this.now().getTime()) {
      throw new ApiError(
        ResultCode.InvalidSession,
        'This access token has expired. Create a new one in the dashboard (Settings > Access Tokens).',
      );
    }
    const key = methodKey(method);
    if (!ALWAYS_ALLOWED_FOR_TOKENS.has(key) && !token.methods.some((m) => methodKey(m) === key)) {
      throw new ApiError(
        ResultCode.PermissionDenied,
        `Permission denied: this token does not allow ${method}`,
      );
    }
    return { kind: 'token', user, token };
  }

  /** The signed-in user, or an error envelope: 702 sign in again, 8202 not allowed. */
  async requireUser(sessionOrToken: string, method: string): Promise<User> {
    return (await this.authenticate(sessionOrToken, method)).user;
  }

  /** A session from a password sign-in; a token is refused for `method` whatever its apiList. */
  async requireSession(
    sessionOrToken: string,
    method: string,
    why: string,
  ): Promise<{ user: User; sessionHash: string }> {
    const credential = await this.authenticate(sessionOrToken, method);
    if (credential.kind === 'token') {
      throw new ApiError(ResultCode.PermissionDenied, `Permission denied: ${method} ${why}`);
    }
    return credential;
  }

  /** Checks the password again before a sensitive change; wrong ones count like wrong sign-ins. */
  async confirmPassword(user: User, password: string): Promise<void> {
    this.refuseWhileLocked(user.login);
    const stored = await this.store.findUserByLogin(user.login);
    if (!stored || !(await verifyPassword(password, stored.passwordHash))) {
      this.throttle.recordFailure(user.login);
      throw new ApiError(ResultCode.AuthenticationFailed, 'Wrong password.');
    }
  }

  /**
   * verify2facode: a right code (RFC 6238, one step of drift either way) completes the two-factor
   * sign-in of `session`; a wrong one counts toward the login's lock like a wrong password.
   */
  async verifyCode(session: string, code: string): Promise<void> {
    const hash = hashToken(session);
    const found = await this.store.findSession(hash, this.now());
    if (!found) {
      if (await this.store.findAccessToken(hash)) {
        throw new ApiError(
          ResultCode.PermissionDenied,
          'Permission denied: verify2facode takes the session from signin, not an access token.',
        );
      }
      throw invalidSession();
    }
    const user = await this.store.getUser(found.uid);
    const secret = await this.store.getTotpSecret(found.uid);
    if (!user) throw invalidSession();
    if (secret === null) {
      throw new ApiError(
        ResultCode.InvalidParameter,
        'This account does not use two-factor authentication; there is no code to verify.',
      );
    }
    this.refuseWhileLocked(user.login);
    const step = acceptedStep(secret, code, this.now());
    if (step === undefined || !(await this.store.acceptSessionCode(hash, step))) {
      this.throttle.recordFailure(user.login);
      throw new ApiError(
        ResultCode.WrongCode,
        step === undefined
          ? 'The verification code is wrong or expired.'
          : 'The verification code is wrong or expired: this one was already used. Wait for the next code.',
      );
    }
    this.throttle.recordSuccess(user.login);
  }

  private refuseWhileLocked(login: string): void {
    const wait = this.throttle.retryAfter(login);
    if (wait > 0) {
      throw new ApiError(
        ResultCode.TooManyAttempts,
        `Too many failed sign-in attempts for this login. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      );
    }
  }
}
