/**
 * Jelastic names an API method `group.Class.Method` (e.g. `environment.Control.GetEnvs`): that is the
 * name a token's apiList holds and a permission error quotes, while the URL spells it in lower case
 * (`environment/control/rest/getenvs`). The capitalisation cannot be derived from the URL, so every
 * method served here is listed.
 */
const METHOD_NAMES: Readonly<Record<string, string>> = {
  getenvs: 'GetEnvs',
  getenvinfo: 'GetEnvInfo',
  startenv: 'StartEnv',
  stopenv: 'StopEnv',
  sleepenv: 'SleepEnv',
  getuserinfo: 'GetUserInfo',
  getsshkeys: 'GetSSHKeys',
  addsshkey: 'AddSSHKey',
  deletesshkey: 'DeleteSSHKey',
  signin: 'SignIn',
  signout: 'SignOut',
  checksign: 'CheckSign',
  createtoken: 'CreateToken',
  gettokens: 'GetTokens',
  deletetoken: 'DeleteToken',
  deletetokens: 'DeleteTokens',
  verify2facode: 'Verify2FACode',
};

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `environment/control` + `getenvs` → `environment.Control.GetEnvs`. */
export function apiMethodName(prefix: string, name: string): string {
  const method = METHOD_NAMES[name];
  if (!method) throw new Error(`No Jelastic name for API method '${name}': add it to methodNames.ts.`);
  const [group = '', cls = ''] = prefix.split('/');
  return `${group}.${capitalise(cls)}.${method}`;
}

/**
 * The form two method names are compared in: case does not matter, and `env.` is the short group
 * name Jelastic's own documentation uses in apiList examples (`env.control.CreateEnvironment`).
 */
export function methodKey(method: string): string {
  const lower = method.trim().toLowerCase();
  return lower.startsWith('env.') ? `environment.${lower.slice(4)}` : lower;
}
