import { AuthenticationFailed, InvalidInput, PlatformError } from '../../../shared/src/errors.ts';
import type { Account, DashboardKey, Environment } from '../../../shared/src/platform.ts';
import { JelasticApi, type ApiReply, type JelasticApiOptions } from './JelasticApi.ts';
import { toDashboardKey, toEnvironment } from './models.ts';

const AUTH = 'users/authentication/rest';
const ENV = 'environment/control/rest';
/** Where the SSH key methods live: current installs, then older ones (and Jelastic's own JPS scripts). */
const KEY_GROUPS = ['management/account/rest', 'users/account/rest'] as const;
type KeyGroup = (typeof KEY_GROUPS)[number];
type KeyMethod = 'getsshkeys' | 'addsshkey' | 'deletesshkey';

export type SignInResult =
  | { session: string; account: Account; codeRequired?: false }
  /** A two-factor account: the session is good for nothing but verify2facode until a code passes. */
  | { session: string; codeRequired: true };

const accountOf = (reply: Record<string, unknown>): Account => ({
  uid: Number(reply['uid']),
  email: String(reply['email'] ?? ''),
  name: String(reply['name'] ?? ''),
});

/**
 * The platform API subset the app uses, as typed calls. Stateless: the caller holds the session
 * (the PlatformService keeps it in the keychain). Every refusal is a typed error.
 */
export class PlatformClient {
  private readonly api: JelasticApi;
  /** The key methods' group once one answered; until then each is tried in turn. */
  private keyGroup: KeyGroup | undefined;

  constructor(options: JelasticApiOptions) {
    this.api = new JelasticApi(options);
  }

  async signIn(login: string, password: string): Promise<SignInResult> {
    if (!login.trim() || !password) throw new InvalidInput('Enter your login and password.');
    const reply = await this.api.expect(`${AUTH}/signin`, { login: login.trim(), password });
    const session = String(reply['session']);
    // Any truthy form: the flag's type on the real service is not published.
    const flag = reply['requiredAuthCheck'];
    if (flag !== undefined && flag !== null && flag !== false && flag !== 'false' && flag !== 0)
      return { session, codeRequired: true };
    return { session, account: accountOf(reply) };
  }

  /** Completes a two-factor sign-in; a refused code is AuthenticationFailed with what to do. */
  async verifyCode(session: string, code: string): Promise<void> {
    const clean = code.replace(/\s+/g, '');
    if (!/^\d{6,8}$/.test(clean))
      throw new InvalidInput('Enter the 6-digit code from your authenticator app.');
    const reply = await this.api.call(`${AUTH}/verify2facode`, { session, code: clean });
    if (reply.result === 0) return;
    if (/too many/i.test(reply.error ?? ''))
      throw new AuthenticationFailed(String(reply.error), { result: reply.result });
    throw new AuthenticationFailed(
      'The verification code is wrong or has expired. Enter the current code from your authenticator app.',
      { result: reply.result, platform: reply.error ?? '' },
    );
  }

  async signOut(session: string): Promise<void> {
    // Signing out of a session the platform already forgot is still signing out.
    await this.api.call(`${AUTH}/signout`, { session });
  }

  /** True while the session is valid. */
  async checkSession(session: string): Promise<boolean> {
    return (await this.api.call(`${AUTH}/checksign`, { session })).result === 0;
  }

  async account(session: string): Promise<Account> {
    return accountOf(await this.api.expect('users/account/rest/getuserinfo', { session }));
  }

  async listKeys(session: string): Promise<DashboardKey[]> {
    const reply = await this.keyCall('getsshkeys', { session, isPrivate: 'false' });
    const keys = Array.isArray(reply['keys']) ? (reply['keys'] as Record<string, unknown>[]) : [];
    return keys.filter((key) => key['isDeleted'] !== true).map(toDashboardKey);
  }

  async addKey(session: string, title: string, publicKey: string): Promise<DashboardKey> {
    const reply = await this.keyCall('addsshkey', {
      session,
      title,
      sshKey: publicKey.trim(),
      isPrivate: 'false',
    });
    if (reply['key'] && typeof reply['key'] === 'object')
      return toDashboardKey(reply['key'] as Record<string, unknown>);
    // `key` in the answer is inferred, not documented: find the key we just added instead.
    const blob = publicKey.trim().split(/\s+/)[1];
    const added = (await this.listKeys(session)).find((key) => key.publicKey.split(/\s+/)[1] === blob);
    if (!added) throw new PlatformError('The platform accepted the key but does not list it.');
    return added;
  }

  async deleteKey(session: string, id: number): Promise<void> {
    await this.keyCall('deletesshkey', { session, id: String(id) });
  }

  /**
   * A key method under the group that serves it: management/account first; "not found" there
   * (HTTP 404, or result 5 from a method that has nothing else to not find) moves to users/account
   * for this client's lifetime. deletesshkey's result 5 alone may mean the key is gone, so only
   * its 404 counts.
   */
  private async keyCall(method: KeyMethod, params: Record<string, string>): Promise<ApiReply> {
    if (this.keyGroup) return this.api.expect(`${this.keyGroup}/${method}`, params);
    const [first, fallback] = KEY_GROUPS;
    const reply = await this.api.call(`${first}/${method}`, params);
    const notFound =
      reply.result !== 0 &&
      (reply['httpStatus'] === 404 || (reply.result === 5 && method !== 'deletesshkey'));
    if (notFound) {
      const answer = await this.api.expect(`${fallback}/${method}`, params);
      this.keyGroup = fallback;
      return answer;
    }
    if (reply.result === 0) this.keyGroup = first;
    return this.api.settle(`${first}/${method}`, params, reply);
  }

  async environments(session: string): Promise<Environment[]> {
    // Never `lazy`: Jelastic documents it as "only the main environment metadata", i.e. no nodes.
    const reply = await this.api.expect(`${ENV}/getenvs`, { session });
    const infos = Array.isArray(reply['infos']) ? (reply['infos'] as Record<string, unknown>[]) : [];
    return infos.map(toEnvironment).sort((a, b) => a.envName.localeCompare(b.envName));
  }

  async environment(session: string, envName: string): Promise<Environment> {
    return toEnvironment(await this.api.expect(`${ENV}/getenvinfo`, { session, envName }));
  }

  async startEnvironment(session: string, envName: string): Promise<void> {
    await this.api.expect(`${ENV}/startenv`, { session, envName });
  }

  async stopEnvironment(session: string, envName: string): Promise<void> {
    await this.api.expect(`${ENV}/stopenv`, { session, envName });
  }

  async sleepEnvironment(session: string, envName: string): Promise<void> {
    await this.api.expect(`${ENV}/sleepenv`, { session, envName });
  }
}
