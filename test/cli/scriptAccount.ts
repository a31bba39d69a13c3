import type { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PlatformClient } from '../../electron/core/platform/PlatformClient.ts';
import { runCli, startCli, type CliResult, type RunningCli } from './runCli.ts';

/** A CLI profile signed in as a script on a server is: a token and a key for the run, no keychain. */
export interface ScriptAccount {
  profile: string;
  token: string;
  key: string;
}

/**
 * Sets up `login`'s account for scripted runs: a fresh RSA key on its dashboard, an access token
 * allowed `apiList` (made as a user makes one on the dashboard), and a profile in `dir` that uses the
 * sandbox with its gateway key pinned.
 */
export async function scriptAccount(
  sandbox: Sandbox,
  dir: string,
  account: { login: string; password: string },
  apiList: readonly string[],
): Promise<ScriptAccount> {
  const name = account.login.split('@')[0]!;
  const key = join(dir, `id_rsa_${name}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', key]);
  const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
  const { session } = await platform.signIn(account.login, account.password);
  await platform.addKey(session, 'cli script', readFileSync(`${key}.pub`, 'utf8'));
  const created = await fetch(`${sandbox.ready.api}/1.0/users/authentication/rest/createtoken`, {
    method: 'POST',
    body: new URLSearchParams({
      session,
      password: account.password,
      description: 'cli script',
      apiList: apiList.join(','),
    }),
  });
  const { token } = (await created.json()) as { token: string };
  const profile = join(dir, `profile-${name}`);
  const gateway = sandbox.ready.gateway!;
  const use = await runCli(profile, [
    'platform',
    'use',
    sandbox.ready.api,
    '--gateway',
    `${gateway.host}:${gateway.port}`,
    '--fingerprint',
    gateway.hostKey.sha256,
  ]);
  expect(use.code, use.stderr).toBe(0);
  return { profile, token, key };
}

/** One run of the CLI as the account, through to its end. */
export function runAs(account: ScriptAccount, args: string[], input?: string): Promise<CliResult> {
  return runCli(account.profile, ['--identity', account.key, ...args], input, {
    ENSCALE_SSH_TOKEN: account.token,
  });
}

/** Starts a CLI run as the account and returns at once (a tunnel runs until it is stopped). */
export function startAs(account: ScriptAccount, args: string[]): RunningCli {
  return startCli(account.profile, ['--identity', account.key, ...args], {
    ENSCALE_SSH_TOKEN: account.token,
  });
}
