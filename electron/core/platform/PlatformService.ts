import type { PlatformApi } from '../../../shared/src/platformService.ts';
import type { PinnedHostKey } from '../../../shared/src/connections.ts';
import { join } from 'node:path';
import {
  CodeRequired,
  InvalidInput,
  NodeNotFound,
  PlatformUnreachable,
  SignedOut,
} from '../../../shared/src/errors.ts';
import {
  ENSCALE,
  type Account,
  type DashboardKey,
  type Environment,
  type PlatformProfile,
} from '../../../shared/src/platform.ts';
import type {
  EnvironmentList,
  KeySyncResult,
  PlatformEvents,
  PlatformState,
} from '../../../shared/src/platformService.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { SecretStore } from '../keys/secretStore.ts';
import { JsonFile } from '../storage/JsonFile.ts';
import { checkedApiUrl } from '../../../shared/src/apiMethods.ts';
import { checkedGatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { PlatformClient } from './PlatformClient.ts';
import { TokenAccount } from './tokenAccount.ts';

/** What the service needs of the key vault: this device's public keys. */
export interface LocalKeys {
  list(): Promise<{ id: string; name: string }[]>;
  exportPublic(id: string): Promise<string>;
}

export interface PlatformServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  keys: LocalKeys;
  /** The keychain service name; tests use their own. */
  keychainService?: string;
  clientFor?: (profile: PlatformProfile) => PlatformClient;
  /**
   * An access token from the process environment (the CLI's ENSCALE_SSH_TOKEN): every call uses it,
   * and nothing about the session is read from or written to the keychain or the profile.
   */
  environmentToken?: string;
}

/** A password sign-in waiting for its two-factor code; kept in memory only, never in the keychain. */
interface PendingSignIn {
  apiUrl: string;
  login: string;
  session: string;
}

interface CachedEnvironments extends EnvironmentList {
  apiUrl: string;
  uid: number;
}

const TOKEN_REFUSED =
  'The platform does not accept ENSCALE_SSH_TOKEN: it may be mistyped, expired or deleted.';

/** The blob of an OpenSSH public key line: how keys are compared, whatever their titles. */
const blobOf = (publicKey: string): string => publicKey.trim().split(/\s+/)[1] ?? '';

/**
 * The signed-in account on one platform: which platform (profile), the session (kept in the OS
 * keychain, never in a file), the environment list (cached, so the app keeps working offline), and
 * keeping this device's keys on the dashboard.
 */
export class PlatformService implements PlatformApi {
  readonly events = new Emitter<PlatformEvents>();
  private readonly state: JsonFile<PlatformState>;
  private readonly cache: JsonFile<CachedEnvironments | null>;
  private readonly keychainService: string;
  /** The platforms the first-run screen offers besides Custom; a host may add its embedded sandbox. */
  private readonly offered: PlatformProfile[] = [ENSCALE];
  private pending: PendingSignIn | undefined;
  /** One client per API address, so what it learns (key methods' group, https) outlives a call. */
  private clients = new Map<string, PlatformClient>();
  /** Whether the credential in use is an access token: a refusal then speaks of the token. */
  private usingToken = false;
  /** The account behind ENSCALE_SSH_TOKEN, asked once per process. */
  private environmentAccount: Promise<Account> | undefined;
  /** … and remembered from an earlier run, so a run that only connects need not ask. */
  private readonly tokenAccounts: TokenAccount;

  constructor(private readonly options: PlatformServiceOptions) {
    this.state = new JsonFile(join(options.dataDir, 'platform.json'), { profile: null, account: null });
    this.cache = new JsonFile(join(options.dataDir, 'environments-cache.json'), null);
    this.keychainService = options.keychainService ?? 'Enscale SSH';
    this.tokenAccounts = new TokenAccount(options.dataDir);
  }

  async current(): Promise<PlatformState> {
    const state = await this.state.read();
    if (this.options.environmentToken === undefined || !state.profile) return state;
    return { ...state, account: await this.tokenAccount(state.profile), credential: 'environment' };
  }

  async presets(): Promise<PlatformProfile[]> {
    return [...this.offered];
  }

  /**
   * Offers a platform this host runs itself (the embedded sandbox), first in the list. It becomes
   * the platform on first run; a profile still pointing at an earlier run of the same kind (the
   * sandbox's ports change every run) moves to this one, which signs its old session out.
   */
  async offerPreset(profile: PlatformProfile): Promise<void> {
    const index = this.offered.findIndex((p) => p.kind === profile.kind);
    if (index >= 0) this.offered.splice(index, 1);
    this.offered.unshift(profile);
    const { profile: current } = await this.state.read();
    if (!current || (current.kind === profile.kind && current.apiUrl !== profile.apiUrl))
      await this.useProfile(profile);
  }

  /** Chooses the platform; switching to another one signs out of the previous one. */
  async useProfile(chosen: PlatformProfile): Promise<void> {
    const profile = {
      ...chosen,
      apiUrl: checkedApiUrl(chosen.apiUrl),
      gateway: checkedGatewayAddress(chosen.gateway),
    };
    const { profile: previous } = await this.state.read();
    if (previous && previous.apiUrl !== profile.apiUrl && this.options.environmentToken === undefined)
      await this.signOut();
    await this.state.update((state) => ({ ...state, profile }));
  }

  /**
   * Completes the platform's pinned gateway key with the key type that turned out to match it (a
   * fingerprint typed without one). Only the same fingerprint is completed: a profile changed
   * meanwhile is left as it is.
   */
  async learnGatewayKeyType(
    pin: PinnedHostKey & { keyType: NonNullable<PinnedHostKey['keyType']> },
  ): Promise<void> {
    await this.state.update((state) => {
      const key = state.profile?.gatewayKey;
      if (!state.profile || !key || key.keyType || key.sha256 !== pin.sha256 || key.md5 !== pin.md5)
        return state;
      return { ...state, profile: { ...state.profile, gatewayKey: { ...key, keyType: pin.keyType } } };
    });
  }

  /** A password sign-in; a two-factor account throws CodeRequired and completes with verifyCode. */
  async signIn(login: string, password: string): Promise<Account> {
    this.refuseWithEnvironmentToken();
    const profile = await this.profile();
    this.pending = undefined;
    const client = this.client(profile);
    const result = await client.signIn(login, password);
    if (result.codeRequired) {
      this.pending = { apiUrl: profile.apiUrl, login: login.trim(), session: result.session };
      throw new CodeRequired(`Enter the 6-digit code from your authenticator app for ${login.trim()}.`, {
        login: login.trim(),
      });
    }
    return this.signedIn(profile, result.session, result.account, 'session');
  }

  async verifyCode(code: string): Promise<Account> {
    this.refuseWithEnvironmentToken();
    const profile = await this.profile();
    const pending = this.pending;
    if (!pending || pending.apiUrl !== profile.apiUrl)
      throw new InvalidInput('Sign in with your password first; then enter the code.');
    const client = this.client(profile);
    await client.verifyCode(pending.session, code);
    this.pending = undefined;
    // The 2FA sign-in answer names no account; the verified session can now ask whose it is.
    return this.signedIn(profile, pending.session, await client.account(pending.session), 'session');
  }

  /** A personal access token: checked with getuserinfo, kept like a session, never signed out. */
  async signInWithToken(token: string): Promise<Account> {
    this.refuseWithEnvironmentToken();
    const clean = token.trim();
    if (!clean || /\s/.test(clean)) throw new InvalidInput('Paste the access token: one word, no spaces.');
    const profile = await this.profile();
    this.pending = undefined;
    this.usingToken = true;
    let account: Account;
    try {
      account = await this.client(profile).account(clean);
    } catch (error) {
      if (error instanceof SignedOut)
        throw new InvalidInput(
          'The platform does not accept this access token: it may be mistyped, expired or deleted.',
        );
      throw error;
    }
    return this.signedIn(profile, clean, account, 'token');
  }

  private async signedIn(
    profile: PlatformProfile,
    secret: string,
    account: Account,
    credential: 'session' | 'token',
  ): Promise<Account> {
    await this.options.secrets.set(this.keychainService, this.sessionAccount(profile), secret);
    await this.state.update((state) => ({ ...state, account, credential }));
    this.events.emit('signedIn', account);
    return account;
  }

  async signOut(): Promise<void> {
    this.refuseWithEnvironmentToken();
    this.pending = undefined;
    const { profile, credential } = await this.state.read();
    if (!profile) return;
    const session = await this.options.secrets.get(this.keychainService, this.sessionAccount(profile));
    // What signout does to a token is not published: a token is only forgotten here, never sent.
    if (session && credential !== 'token')
      await this.client(profile)
        .signOut(session)
        .catch(() => undefined);
    await this.options.secrets.delete(this.keychainService, this.sessionAccount(profile));
    await this.state.update(({ credential: _credential, ...state }) => ({ ...state, account: null }));
    await this.cache.write(null);
    this.events.emit('signedOut', { reason: 'You signed out.' });
  }

  /** The environments; when the platform is unreachable, the last list fetched, marked offline. */
  async environments(): Promise<EnvironmentList> {
    const profile = await this.profile();
    const { account } = await this.state.read();
    try {
      const environments = await this.withSession((client, session) => client.environments(session));
      const list: EnvironmentList = { environments, offline: false, fetchedAt: Date.now() };
      await this.cache.write({ ...list, apiUrl: profile.apiUrl, uid: account?.uid ?? 0 });
      this.events.emit('environments', list);
      return list;
    } catch (error) {
      const cached = await this.cache.read();
      if (error instanceof PlatformUnreachable && cached && cached.apiUrl === profile.apiUrl) {
        const list: EnvironmentList = {
          environments: cached.environments,
          offline: true,
          fetchedAt: cached.fetchedAt,
        };
        this.events.emit('environments', list);
        return list;
      }
      throw error;
    }
  }

  startEnvironment(envName: string): Promise<Environment> {
    return this.changeEnvironment(envName, (client, session) => client.startEnvironment(session, envName));
  }

  stopEnvironment(envName: string): Promise<Environment> {
    return this.changeEnvironment(envName, (client, session) => client.stopEnvironment(session, envName));
  }

  sleepEnvironment(envName: string): Promise<Environment> {
    return this.changeEnvironment(envName, (client, session) => client.sleepEnvironment(session, envName));
  }

  /**
   * Runs a start, stop or sleep, which the platform answers once it is done (a minute or more on a
   * real one), then reads the list again so every window shows the new status, and answers with
   * the environment as it is now. The list is read again after a refusal too: the platform's
   * status may be why (another window stopped it meanwhile).
   */
  private async changeEnvironment(
    envName: string,
    change: (client: PlatformClient, session: string) => Promise<void>,
  ): Promise<Environment> {
    try {
      await this.withSession(change);
    } catch (error) {
      await this.environments().catch(() => undefined);
      throw error;
    }
    const { environments } = await this.environments();
    const env = environments.find((candidate) => candidate.envName === envName);
    if (!env) throw new NodeNotFound(`Environment '${envName}' is no longer on the platform.`);
    return env;
  }

  async dashboardKeys(): Promise<DashboardKey[]> {
    return this.withSession((client, session) => client.listKeys(session));
  }

  async deleteDashboardKey(id: number): Promise<void> {
    await this.withSession((client, session) => client.deleteKey(session, id));
  }

  /**
   * Puts a local key's public half on the dashboard unless its blob is already there (whatever its
   * title), and says which dashboard keys are this device's.
   */
  async syncKey(localKeyId: string): Promise<KeySyncResult> {
    const local = await this.options.keys.list();
    const key = local.find((k) => k.id === localKeyId);
    if (!key) throw new InvalidInput('That key is not on this device any more.');
    const publicKey = await this.options.keys.exportPublic(localKeyId);
    const deviceBlobs = new Set(
      await Promise.all(local.map(async (k) => blobOf(await this.options.keys.exportPublic(k.id)))),
    );
    return this.withSession(async (client, session) => {
      const before = await client.listKeys(session);
      const existing = before.find((k) => blobOf(k.publicKey) === blobOf(publicKey));
      const synced = existing ?? (await client.addKey(session, key.name, publicKey));
      const all = existing ? before : [...before, synced];
      return {
        added: !existing,
        key: synced,
        deviceKeys: all.filter((k) => deviceBlobs.has(blobOf(k.publicKey))),
      };
    });
  }

  private async profile(): Promise<PlatformProfile> {
    const { profile } = await this.state.read();
    if (!profile) throw new InvalidInput('Choose a platform first (Sandbox, Enscale or Custom).');
    return profile;
  }

  private client(profile: PlatformProfile): PlatformClient {
    const custom = this.options.clientFor?.(profile);
    if (custom) return custom;
    let client = this.clients.get(profile.apiUrl);
    if (!client) {
      client = new PlatformClient({ baseUrl: profile.apiUrl, usesToken: () => this.usingToken });
      this.clients.set(profile.apiUrl, client);
    }
    return client;
  }

  private refuseWithEnvironmentToken(): void {
    if (this.options.environmentToken !== undefined)
      throw new InvalidInput(
        'ENSCALE_SSH_TOKEN is set: this run is signed in with that token. Unset it to sign in or out.',
      );
  }

  private tokenAccount(profile: PlatformProfile): Promise<Account> {
    const token = this.options.environmentToken ?? '';
    this.usingToken = true;
    this.environmentAccount ??= this.recallOrAsk(profile, token).catch((error: unknown) => {
      this.environmentAccount = undefined;
      if (error instanceof SignedOut) throw new SignedOut(TOKEN_REFUSED);
      throw error;
    });
    return this.environmentAccount;
  }

  private async recallOrAsk(profile: PlatformProfile, token: string): Promise<Account> {
    const remembered = await this.tokenAccounts.recall(profile.apiUrl, token);
    if (remembered) return remembered;
    const account = await this.client(profile).account(token);
    await this.tokenAccounts.remember(profile.apiUrl, token, account).catch(() => undefined);
    return account;
  }

  private sessionAccount(profile: PlatformProfile): string {
    return `session:${profile.apiUrl}`;
  }

  /** Runs a call with the stored session; a session the platform refuses signs the app out. */
  private async withSession<T>(call: (client: PlatformClient, session: string) => Promise<T>): Promise<T> {
    const profile = await this.profile();
    const fromEnvironment = this.options.environmentToken;
    if (fromEnvironment !== undefined) {
      await this.tokenAccount(profile);
      try {
        return await call(this.client(profile), fromEnvironment);
      } catch (error) {
        // The account may have been remembered from a run when the token was still valid.
        if (!(error instanceof SignedOut)) throw error;
        this.environmentAccount = undefined;
        await this.tokenAccounts.forget().catch(() => undefined);
        throw new SignedOut(TOKEN_REFUSED);
      }
    }
    const session = await this.options.secrets.get(this.keychainService, this.sessionAccount(profile));
    if (!session) throw new SignedOut('Sign in to your platform account.');
    this.usingToken = (await this.state.read()).credential === 'token';
    try {
      return await call(this.client(profile), session);
    } catch (error) {
      if (error instanceof SignedOut) {
        await this.options.secrets.delete(this.keychainService, this.sessionAccount(profile));
        await this.state.update(({ credential: _credential, ...state }) => ({ ...state, account: null }));
        this.events.emit('signedOut', { reason: error.message });
      }
      throw error;
    }
  }
}
