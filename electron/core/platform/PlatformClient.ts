import { InvalidInput, PlatformError } from '../../../shared/src/errors.ts';
import type { Account, DashboardKey, Environment } from '../../../shared/src/platform.ts';
import { JelasticApi, type JelasticApiOptions } from './JelasticApi.ts';
import { toDashboardKey, toEnvironment } from './models.ts';

const AUTH = 'users/authentication/rest';
const KEYS = 'management/account/rest';
const ENV = 'environment/control/rest';

export interface SignInResult {
  session: string;
  account: Account;
}

/**
 * The platform API subset the app uses, as typed calls. Stateless: the caller holds the session
 * (the PlatformService keeps it in the keychain). Every refusal is a typed error.
 */
export class PlatformClient {
  private readonly api: JelasticApi;

  constructor(options: JelasticApiOptions) {
    this.api = new JelasticApi(options);
  }

  async signIn(login: string, password: string): Promise<SignInResult> {
    if (!login.trim() || !password) throw new InvalidInput('Enter your login and password.');
    const reply = await this.api.expect(`${AUTH}/signin`, { login: login.trim(), password });
    return {
      session: String(reply['session']),
      account: {
        uid: Number(reply['uid']),
        email: String(reply['email'] ?? ''),
        name: String(reply['name'] ?? ''),
      },
    };
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
    const reply = await this.api.expect('users/account/rest/getuserinfo', { session });
    return {
      uid: Number(reply['uid']),
      email: String(reply['email'] ?? ''),
      name: String(reply['name'] ?? ''),
    };
  }

  async listKeys(session: string): Promise<DashboardKey[]> {
    const reply = await this.api.expect(`${KEYS}/getsshkeys`, { session, isPrivate: 'false' });
    const keys = Array.isArray(reply['keys']) ? (reply['keys'] as Record<string, unknown>[]) : [];
    return keys.filter((key) => key['isDeleted'] !== true).map(toDashboardKey);
  }

  async addKey(session: string, title: string, publicKey: string): Promise<DashboardKey> {
    const reply = await this.api.expect(`${KEYS}/addsshkey`, {
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
    await this.api.expect(`${KEYS}/deletesshkey`, { session, id: String(id) });
  }

  async environments(session: string): Promise<Environment[]> {
    const reply = await this.api.expect(`${ENV}/getenvs`, { session, lazy: 'true' });
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
}
