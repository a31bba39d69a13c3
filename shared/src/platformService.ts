import type { Account, DashboardKey, Environment, PlatformProfile } from './platform.ts';

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
