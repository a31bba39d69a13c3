import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformState } from '../../shared/src/platformService.ts';
import { json, runCli } from './runCli.ts';

/**
 * Signing in from the command line as the real platform's accounts need it: a password and then a
 * two-factor code (successive lines of stdin, as a script sends them), an access token, and a token
 * in ENSCALE_SSH_TOKEN that signs one command in and is stored nowhere.
 */
let sandbox: Sandbox;
let dir: string;
let count = 0;

/** A fresh profile that uses the sandbox's platform. */
async function newProfile(): Promise<string> {
  const profile = join(dir, `profile-${++count}`);
  const use = await runCli(profile, ['platform', 'use', sandbox.ready.api, '--gateway', '127.0.0.1:3022']);
  expect(use.code, use.stderr).toBe(0);
  return profile;
}

const token = (index: number): string => sandbox.ready.tokens[index]!.token;
const twofaCode = (): string => {
  const secret = sandbox.ready.users.find((user) => user.login === 'twofa@sandbox.local')!.totpSecret!;
  return new OTPAuth.TOTP({ secret }).generate();
};

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-login-'));
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh login', () => {
  it('signs a two-factor account in with the password, then the code, as two lines of stdin', async () => {
    const profile = await newProfile();
    const login = await runCli(
      profile,
      ['--json', 'login', 'twofa@sandbox.local'],
      `twofa\n${twofaCode()}\n`,
    );
    expect(login.code, login.stderr).toBe(0);
    expect(json(login)).toMatchObject({ uid: 4870 });
    const show = await runCli(profile, ['platform', 'show']);
    expect(show.stdout).toContain('Account:  twofa@sandbox.local (uid 4870), password session');
    await runCli(profile, ['logout']);
  });

  it('refuses a wrong code with what to do, and a missing one with what to pipe', async () => {
    const profile = await newProfile();
    const wrongCode = twofaCode() === '000000' ? '111111' : '000000';
    const wrong = await runCli(profile, ['login', 'twofa@sandbox.local'], `twofa\n${wrongCode}\n`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      'enscale-ssh: The verification code is wrong or has expired. Enter the current code from your authenticator app.\n',
    );
    const missing = await runCli(profile, ['login', 'twofa@sandbox.local'], 'twofa\n');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('enscale-ssh: No verification code on stdin: pipe it in, one line.\n');
  });

  it('signs in with an access token and says so', async () => {
    const profile = await newProfile();
    const login = await runCli(profile, ['--json', 'login', '--token'], `${token(0)}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(json(login)).toMatchObject({ uid: 4856 });
    const show = await runCli(profile, ['--json', 'platform', 'show']);
    expect(json<PlatformState>(show)).toMatchObject({ account: { uid: 4856 }, credential: 'token' });
    const envs = await runCli(profile, ['envs']);
    expect(envs.stdout).toContain('518840');
    const both = await runCli(profile, ['login', '--token', 'demo@sandbox.local'], `${token(0)}\n`);
    expect(both.code).toBe(2);
    await runCli(profile, ['logout']);
  });

  it('signs in with the password on stdin and says so', async () => {
    const profile = await newProfile();
    const login = await runCli(profile, ['login', 'demo@sandbox.local'], 'demo\n');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe('Signed in as Demo User (uid 4856).\n');
    const show = await runCli(profile, ['platform', 'show']);
    expect(show.stdout).toContain('Account:  demo@sandbox.local (uid 4856), password session');
    expect((await runCli(profile, ['logout'])).code).toBe(0);
  });

  it('uses ENSCALE_SSH_TOKEN for one command and stores nothing', async () => {
    const profile = await newProfile();
    const env = { ENSCALE_SSH_TOKEN: token(0) };
    const envs = await runCli(profile, ['--json', 'envs'], undefined, env);
    expect(envs.code, envs.stderr).toBe(0);
    expect(json<{ envName: string }[]>(envs).map((env) => env.envName)).toEqual([
      'analytics',
      'shop',
      'staging',
    ]);
    const showWith = await runCli(profile, ['platform', 'show'], undefined, env);
    expect(showWith.stdout).toContain(
      'Account:  demo@sandbox.local (uid 4856), access token from ENSCALE_SSH_TOKEN (not stored)',
    );
    const login = await runCli(profile, ['login', 'demo@sandbox.local'], 'demo\n', env);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('ENSCALE_SSH_TOKEN is set');
    const show = await runCli(profile, ['--json', 'platform', 'show']);
    expect(json<PlatformState>(show).account).toBeNull();
    // Nothing in the keychain the CLI used (runCli's service): no session, not the token.
    const stored = await keytar.findCredentials(`enscale-ssh-test-cli-${process.pid}`);
    expect(stored.filter((entry) => entry.account.startsWith('session:'))).toEqual([]);
    expect(stored.map((entry) => entry.password)).not.toContain(token(0));
    for (const file of readdirSync(profile, { recursive: true, encoding: 'utf8' })) {
      const path = join(profile, file);
      if (!path.endsWith('.json')) continue;
      expect(readFileSync(path, 'utf8')).not.toContain(token(0));
    }
  });

  it('says which permission a restricted token lacks, and the token still lists environments', async () => {
    const profile = await newProfile();
    const env = { ENSCALE_SSH_TOKEN: token(1) };
    const generated = await runCli(profile, ['--json', 'keys', 'generate', '--name', 'ci', '--bits', '2048']);
    expect(generated.code, generated.stderr).toBe(0);
    const id = json<{ id: string }>(generated).id;
    const sync = await runCli(profile, ['keys', 'sync', id], undefined, env);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain('Your access token lacks permission for management.Account.GetSSHKeys.');
    expect((await runCli(profile, ['envs'], undefined, env)).code).toBe(0);
  });
});
