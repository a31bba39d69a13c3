import { Sandbox } from '@enscale-ssh/gateway';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../cli/runCli.ts';
import { SandboxApi } from '../e2e/sandboxApi.ts';
import { filesUnder, filesWithSecrets, noDesktopEnv, requirePrograms, tempDirOf } from './noDesktop.ts';

/**
 * `enscale-ssh` on a build server: no desktop session, so no keychain at all. A script brings its key
 * (`--identity`, an OpenSSH file or an encrypted .ppk with its passphrase on stdin) and its access
 * token (`ENSCALE_SSH_TOKEN`), reaches a node through the sandbox's gateway, and leaves no secret in
 * the profile or the temporary folder. Storing a secret in the (persistent) profile still fails closed.
 */
const run = promisify(execFile);
const PASSPHRASE = 'build server passphrase';

let sandbox: Sandbox;
let dir: string;
let token: string;
let plainKey: string;
let encryptedPpk: string;

/** One CLI run on a machine without a desktop session, in a scratch folder of its own. */
async function onServer(
  name: string,
  args: string[],
  options: { input?: string; token?: string; profile?: string } = {},
): Promise<CliResult & { profile: string; temp: string }> {
  const root = join(dir, name);
  const profile = options.profile ?? join(root, 'profile');
  const env = noDesktopEnv(root, options.token ? { ENSCALE_SSH_TOKEN: options.token } : {});
  // The profile's platform, as a script sets it up once (platform.json: no secret, no keychain).
  const gateway = sandbox.ready.gateway!;
  const use = await runCli(
    profile,
    [
      'platform',
      'use',
      sandbox.ready.api,
      '--gateway',
      `${gateway.host}:${gateway.port}`,
      '--fingerprint',
      gateway.hostKey.sha256,
    ],
    undefined,
    env,
  );
  expect(use.stderr).toBe('');
  expect(use.code).toBe(0);
  const result = await runCli(profile, args, options.input, env);
  return { ...result, profile, temp: tempDirOf(root) };
}

beforeAll(async () => {
  requirePrograms([
    ['ssh-keygen', 'openssh-client'],
    ['puttygen', 'putty-tools'],
    ['sshd', 'openssh-server'],
  ]);
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'nokeychain-cli-'));
  const demoToken = sandbox.ready.tokens.find(
    (entry) => entry.login === 'demo@sandbox.local' && entry.methods.includes('environment.Control.GetEnvs'),
  );
  token = demoToken!.token;

  plainKey = join(dir, 'id_rsa');
  await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'build-server', '-f', plainKey]);
  const passphraseFile = join(dir, 'passphrase');
  writeFileSync(passphraseFile, PASSPHRASE, { mode: 0o600 });
  encryptedPpk = join(dir, 'deploy.ppk');
  await run('puttygen', [
    '-t',
    'rsa',
    '-b',
    '2048',
    '-q',
    '-o',
    encryptedPpk,
    '--new-passphrase',
    passphraseFile,
  ]);
  const ppkPublic = (
    await run('puttygen', [encryptedPpk, '-O', 'public-openssh', '--old-passphrase', passphraseFile])
  ).stdout;

  // The keys' public halves on demo's dashboard, as the user put them there once.
  const api = new SandboxApi(sandbox.ready.api);
  await api.addKey('build server', readFileSync(`${plainKey}.pub`, 'utf8').trim());
  await api.addKey('deploy ppk', ppkPublic.trim());
});
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh on a server without a keychain', () => {
  it('runs a command on a node with --identity and ENSCALE_SSH_TOKEN, and leaves no secret behind', async () => {
    const result = await onServer('identity', ['--identity', plainKey, 'ssh', '518839', '--', 'true'], {
      token,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(filesWithSecrets(result.profile, [token])).toEqual([]);
    expect(filesUnder(result.temp)).toEqual([]);
    // The node ran it: a command's own output and status come back.
    const echo = await onServer(
      'identity-echo',
      ['--identity', plainKey, 'ssh', '518839', '--', 'echo built-$((6*7))'],
      {
        token,
      },
    );
    expect(echo.stdout).toBe('built-42\n');
  });

  it('reads an encrypted .ppk identity with its passphrase from stdin', async () => {
    const result = await onServer('ppk', ['--identity', encryptedPpk, 'ssh', '518839', '--', 'true'], {
      token,
      input: `${PASSPHRASE}\n`,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(filesWithSecrets(result.profile, [token, PASSPHRASE])).toEqual([]);
    expect(filesUnder(result.temp)).toEqual([]);

    const wrong = await onServer('ppk-wrong', ['--identity', encryptedPpk, 'ssh', '518839', '--', 'true'], {
      token,
      input: 'not the passphrase\n',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^enscale-ssh: .*passphrase/i);
  });

  it('lists the environments with the token alone', async () => {
    const result = await onServer('token-envs', ['--json', 'envs'], { token });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { envName: string }[]).map((env) => env.envName)).toContain('shop');
    expect(filesWithSecrets(result.profile, [token])).toEqual([]);
  });

  it('still refuses to keep a secret in the persistent profile: sign-in and new keys fail closed', async () => {
    const login = await onServer('login', ['login', 'demo@sandbox.local'], { input: 'demo\n' });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/The system keychain is not available/);

    // The token needs no keychain; a new key in this profile would, and must not land in memory only.
    const generate = await onServer('generate', ['keys', 'generate', '--bits', '2048'], { token });
    expect(generate.code).toBe(1);
    expect(generate.stderr).toMatch(/The system keychain is not available/);
    const list = await onServer('generate-list', ['--json', 'keys', 'list'], {
      token,
      profile: generate.profile,
    });
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(
      existsSync(join(generate.profile, 'keys')) ? filesUnder(join(generate.profile, 'keys')) : [],
    ).toEqual([]);
  });
});
