import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/Store.ts';
import type { User } from '../store/types.ts';
import { hashPassword, verifyPassword } from '../store/password.ts';
import { ApiError, ResultCode } from './envelope.ts';
import type { LoginThrottle } from './LoginThrottle.ts';

export interface SignedIn {
  session: string;
  user: User;
}

/** Session tokens are kept only as SHA-256 hashes, so the store never holds a usable token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Sign-in, sign-out and session checks for the platform API. */
export class Authenticator {
  // Verified against when the login is unknown, so a wrong login costs as long as a wrong password
  // and response times do not reveal which logins exist.
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    private readonly sessionLifetimeMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.decoyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  async signIn(login: string, password: string): Promise<SignedIn> {
    const wait = this.throttle.retryAfter(login);
    if (wait > 0) {
      throw new ApiError(
        ResultCode.TooManyAttempts,
        `Too many failed sign-in attempts for this login. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      );
    }
    const user = await this.store.findUserByLogin(login.trim());
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !valid) {
      this.throttle.recordFailure(login);
      throw new ApiError(ResultCode.AuthenticationFailed, 'Wrong login or password.');
    }
    this.throttle.recordSuccess(login);
    const session = randomBytes(32).toString('hex');
    await this.store.createSession(
      hashToken(session),
      user.uid,
      new Date(this.now().getTime() + this.sessionLifetimeMs),
    );
    const { passwordHash: _hash, ...publicUser } = user;
    return { session, user: publicUser };
  }

  async signOut(session: string): Promise<void> {
    await this.store.deleteSession(hashToken(session));
  }

  /** The signed-in user, or an InvalidSession error telling the caller to sign in again. */
  async requireUser(session: string): Promise<User> {
    const found = await this.store.findSession(hashToken(session), this.now());
    const user = found && (await this.store.getUser(found.uid));
    if (!user) {
      throw new ApiError(ResultCode.InvalidSession, 'Invalid or expired session. Sign in again.');
    }
    return user;
  }
}
