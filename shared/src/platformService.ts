import type { Account, DashboardKey, Environment, PlatformProfile } from './platform.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

export interface PlatformEvents {
  signedIn: Account;
  signedOut: { reason: string };
  environments: { environments: Environment[]; offline: boolean; fetchedAt: number };
}

export interface EnvironmentList {
  environments: Environment[];
  /** True when the platform could not be reached and this is the last list that was fetched. */
  offline: boolean;
  fetchedAt: number;
}

export interface KeySyncResult {
  /** Whether the key had to be added (false: it was already on the dashboard). */
  added: boolean;
  key: DashboardKey;
  /** Dashboard keys whose public key is one of this device's keys. */
  deviceKeys: DashboardKey[];
}

export interface PlatformState {
  profile: PlatformProfile | null;
  account: Account | null;
  /**
   * How the account is signed in: a password session, a stored access token, or a token from the
   * process environment (ENSCALE_SSH_TOKEN, never stored). Absent while signed out.
   */
  credential?: 'session' | 'token' | 'environment';
}

export interface PlatformApi {
  readonly events: EventSource<PlatformEvents>;
  current(): Promise<PlatformState>;
  /** The platforms to offer on first run: Enscale, and the embedded sandbox when the host runs one. */
  presets(): Promise<PlatformProfile[]>;
  useProfile(profile: PlatformProfile): Promise<void>;
  /**
   * Signs in with a password. For an account with two-factor authentication it throws CodeRequired;
   * the sign-in completes with `verifyCode`.
   */
  signIn(login: string, password: string): Promise<Account>;
  /** Completes a password sign-in that answered CodeRequired, with the authenticator app's code. */
  verifyCode(code: string): Promise<Account>;
  /**
   * Signs in with a personal access token (validated with getuserinfo, kept in the keychain like a
   * session, never sent to signout).
   */
  signInWithToken(token: string): Promise<Account>;
  signOut(): Promise<void>;
  environments(): Promise<EnvironmentList>;
  /**
   * Start, stop or put to sleep an environment. Each resolves once the platform is done (it answers
   * only then; a minute or more on a real one) with the environment as it is now, after the list has
   * been read again (the `environments` event tells every window).
   */
  startEnvironment(envName: string): Promise<Environment>;
  stopEnvironment(envName: string): Promise<Environment>;
  sleepEnvironment(envName: string): Promise<Environment>;
  dashboardKeys(): Promise<DashboardKey[]>;
  deleteDashboardKey(id: number): Promise<void>;
  syncKey(localKeyId: string): Promise<KeySyncResult>;
}

export const PLATFORM_METHODS = methodList<PlatformApi>()([
  'current',
  'presets',
  'useProfile',
  'signIn',
  'verifyCode',
  'signInWithToken',
  'signOut',
  'environments',
  'startEnvironment',
  'stopEnvironment',
  'sleepEnvironment',
  'dashboardKeys',
  'deleteDashboardKey',
  'syncKey',
]);
