import { randomBytes } from 'node:crypto';
import type { Store } from '../store/Store.ts';
import type { AccessTokenRecord, User } from '../store/types.ts';
import { hashPassword, verifyPassword } from '../store/password.ts';
import { hashToken } from './accessTokens.ts';
import { sourceKey } from '../sourceKey.ts';
import { ApiError, ResultCode } from './envelope.ts';
import type { Attempt, LoginThrottle, Refusal } from './LoginThrottle.ts';
import { methodKey } from './methodNames.ts';
import { PasswordQueueFull, type PasswordQueue } from './PasswordQueue.ts';
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
    private readonly hashing: PasswordQueue,
    private readonly sessionLifetimeMs: number,
    readonly now: () => Date = () => new Date(),
  ) {
    this.decoyHash = hashing.run(() => hashPassword(randomBytes(16).toString('hex')));
  }

  /** `address` is the caller's, as the HTTP connection (or a trusted proxy) gives it. */
  async signIn(login: string, password: string, address: string | undefined): Promise<SignedIn> {
    const user = await this.store.findUserByLogin(login.trim());
    const requiredAuthCheck = user ? user.totpSecret !== null : false;
    const valid = await this.checkPassword(login, address, password, user?.passwordHash, !requiredAuthCheck);
    if (!user || !valid) throw new ApiError(ResultCode.AuthenticationFailed, 'Wrong login or password.');
    // Wrong codes are counted apart and only a right code clears them (LoginThrottle), so a guesser
    // who has the password gains nothing by signing in again.
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
    this.throttle.forgetSession(sessionHash);
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
  async confirmPassword(user: User, password: string, address: string | undefined): Promise<void> {
    const stored = await this.store.findUserByLogin(user.login);
    if (!(await this.checkPassword(user.login, address, password, stored?.passwordHash, false))) {
      throw new ApiError(ResultCode.AuthenticationFailed, 'Wrong password.');
    }
  }

  /**
   * verify2facode: a right code (RFC 6238, one step of drift either way) completes the two-factor
   * sign-in of `session`. Wrong ones slow down further codes for the login and the address, and the
   * session ends after a few of them, so the password must be given (and hashed) again.
   */
  async verifyCode(session: string, code: string, address: string | undefined): Promise<void> {
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
    const attempt = admitted(this.throttle.admitCode(user.login, sourceKey(address), hash));
    let step: number | undefined;
    let accepted: boolean;
    try {
      step = acceptedStep(secret, code, this.now());
      accepted = step !== undefined && (await this.store.acceptSessionCode(hash, step));
    } catch (error) {
      attempt.abandoned();
      throw error;
    }
    if (accepted) {
      attempt.succeeded(true);
      this.throttle.forgetSession(hash);
      return;
    }
    const left = attempt.failed();
    const why =
      step === undefined
        ? 'The verification code is wrong or expired.'
        : 'The verification code is wrong or expired: this one was already used. Wait for the next code.';
    if (left > 0) throw new ApiError(ResultCode.WrongCode, why);
    await this.store.deleteSession(hash);
    throw new ApiError(
      ResultCode.WrongCode,
      `${why} That was too many wrong codes for this sign-in: sign in again with your password.`,
    );
  }

  /**
   * Whether `password` matches `stored` (a decoy when the login is unknown, so that costs the same),
   * once the throttle admits the attempt and the password queue gives it a turn.
   */
  private async checkPassword(
    login: string,
    address: string | undefined,
    password: string,
    stored: string | undefined,
    signsIn: boolean,
  ): Promise<boolean> {
    const hash = stored ?? (await this.decoyHash);
    const attempt = admitted(this.throttle.admitPassword(login, sourceKey(address)));
    let valid: boolean;
    try {
      valid = await this.hashing.run(() => verifyPassword(password, hash));
    } catch (error) {
      attempt.abandoned();
      if (error instanceof PasswordQueueFull) {
        throw tooMany('Too many sign-ins at once', error.retryAfterMs);
      }
      throw error;
    }
    if (valid && stored !== undefined) attempt.succeeded(signsIn);
    else attempt.failed();
    return valid && stored !== undefined;
  }
}

const WHY_REFUSED: Record<Refusal['refused'], string> = {
  address: 'Too many sign-in attempts from your address',
  login: 'Too many sign-in attempts for this login',
  code: 'Too many verification codes tried for this login',
};

const tooMany = (why: string, waitMs: number): ApiError =>
  new ApiError(ResultCode.TooManyAttempts, `${why}. Try again in ${Math.ceil(waitMs / 1000)} s.`);

/** The attempt, or the 703 error that says why it must wait and for how long. */
function admitted(admission: Attempt | Refusal): Attempt {
  if (admission.refused !== undefined) throw tooMany(WHY_REFUSED[admission.refused], admission.waitMs);
  return admission;
}
