import { InvalidInput } from './errors.ts';

/**
 * The platform API methods the app calls, by URL path and by the name Jelastic gives them
 * (`group.Class.Method`): the name is what an access token's permission list holds and what a
 * "permission denied" quotes, and its capitalisation cannot be derived from the lower-case URL.
 */
export const API_METHODS = {
  'users/authentication/rest/signin': 'users.Authentication.SignIn',
  'users/authentication/rest/signout': 'users.Authentication.SignOut',
  'users/authentication/rest/checksign': 'users.Authentication.CheckSign',
  'users/authentication/rest/verify2facode': 'users.Authentication.Verify2FACode',
  'users/account/rest/getuserinfo': 'users.Account.GetUserInfo',
  'management/account/rest/getsshkeys': 'management.Account.GetSSHKeys',
  'management/account/rest/addsshkey': 'management.Account.AddSSHKey',
  'management/account/rest/deletesshkey': 'management.Account.DeleteSSHKey',
  'users/account/rest/getsshkeys': 'users.Account.GetSSHKeys',
  'users/account/rest/addsshkey': 'users.Account.AddSSHKey',
  'users/account/rest/deletesshkey': 'users.Account.DeleteSSHKey',
  'environment/control/rest/getenvs': 'environment.Control.GetEnvs',
  'environment/control/rest/getenvinfo': 'environment.Control.GetEnvInfo',
  'environment/control/rest/startenv': 'environment.Control.StartEnv',
  'environment/control/rest/stopenv': 'environment.Control.StopEnv',
  'environment/control/rest/sleepenv': 'environment.Control.SleepEnv',
} as const satisfies Record<string, string>;

/**
 * What an access token for this app should allow: everything it calls with a token (sign-in and
 * two-factor methods are for passwords; the key methods under whichever group the platform serves).
 */
export const APP_TOKEN_METHODS: readonly string[] = [
  'users.Account.GetUserInfo',
  'environment.Control.GetEnvs',
  'environment.Control.GetEnvInfo',
  'environment.Control.StartEnv',
  'environment.Control.StopEnv',
  'environment.Control.SleepEnv',
  'management.Account.GetSSHKeys',
  'management.Account.AddSSHKey',
  'management.Account.DeleteSSHKey',
];

/** `environment/control/rest/getenvs` → `environment.Control.GetEnvs`; unknown paths as written. */
export function jelasticMethodName(path: string): string {
  return (API_METHODS as Record<string, string>)[path] ?? path.replace('/rest/', '/').replaceAll('/', '.');
}

/**
 * The API's base URL as calls are built on it: no trailing slashes and no `/1.0` (the version is
 * part of every call's path), so an address copied with `/1.0/` from the docs does not become
 * `/1.0/1.0/`.
 */
export function apiBaseUrl(text: string): string {
  return text
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/1\.0$/, '')
    .replace(/\/+$/, '');
}

/** Loopback names and addresses: the only places a plain-http API address may point. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (/^::ffff:127\./.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks an API address as the user typed it and returns its base URL. http carries the password,
 * the session and tokens in clear text, so it is allowed only for this computer (the sandbox);
 * every other host must be https.
 */
export function checkedApiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInput(`'${text}' is not an API address; use https://app.your-platform.com.`);
  }
  if (url.username || url.password)
    throw new InvalidInput('An API address cannot carry a user name or password; sign in instead.');
  if (url.protocol === 'https:') return apiBaseUrl(url.href);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return apiBaseUrl(url.href);
  if (url.protocol === 'http:')
    throw new InvalidInput(
      `http://${url.host} would send your password and session in clear text: use https://${url.host}. Plain http is allowed only for this computer (localhost, 127.0.0.1).`,
    );
  throw new InvalidInput(`The API address must start with https://, not ${url.protocol}//.`);
}
