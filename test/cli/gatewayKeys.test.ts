import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/src/keys.ts';
import { json, runCli } from './runCli.ts';

/**
 * `keys import` of a key type the gateway refuses: imported with a warning on stderr, and the synced
 * RSA key keeps `ssh` working, as the enscale-ssh command is used from a script.
 */
let sandbox: Sandbox;
let dir: string;
let profile: string;
const cli = (args: string[], input?: string) => runCli(profile, args, input);

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-gateway-keys-'));
  profile = join(dir, 'profile');
  const gateway = sandbox.ready.gateway!;
  const use = ['platform', 'use', sandbox.ready.api, '--gateway', `${gateway.host}:${gateway.port}`];
  expect(await cli([...use, '--fingerprint', gateway.hostKey.sha256])).toMatchObject({ code: 0 });
  expect(await cli(['login', 'demo@sandbox.local'], 'demo\n')).toMatchObject({ code: 0 });
});
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh with a key the gateway refuses', () => {
  it('imports an Ed25519 key with a warning, and ssh still signs in with the synced RSA key', async () => {
    const generated = await cli(['--json', 'keys', 'generate', '--name', 'synced', '--bits', '2048']);
    expect(generated.code).toBe(0);
    expect(generated.stderr).toBe('');
    const rsa = json<KeyInfo>(generated);
    expect((await cli(['keys', 'sync', rsa.id])).code).toBe(0);

    const path = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'old laptop', '-f', path]);
    const imported = await cli(['keys', 'import', path]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/old laptop\n {2}ssh-ed25519 256 bits/);
    expect(imported.stderr).toMatch(
      /^enscale-ssh: warning: The SSH gateway of \S+ accepts RSA keys only, so this Ed25519 key cannot sign in to it\. It stays on this device for other servers; .*\n$/,
    );

    const listed = await cli(['keys', 'list']);
    expect(listed.stdout).toMatch(/old laptop\n(?: {2}.*\n){3} {2}Not for the gateway: The SSH gateway of/);
    const listedJson = json<KeyInfo[]>(await cli(['--json', 'keys', 'list']));
    expect(listedJson.map((key) => [key.name, key.gatewayAccepts])).toEqual([
      ['synced', true],
      ['old laptop', false],
    ]);

    const run = await cli(['ssh', '518839', '--', 'true']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
