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
