import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratch, sshKeygen, uniqueService, type Scratch } from './keyTools.ts';

const run = promisify(execFile);
const child = join(import.meta.dirname, 'vaultChild.ts');

let work: Scratch;

beforeEach(async () => {
  work = await scratch('keys-no-keychain');
});

afterEach(() => work.remove());

/** Runs one vault call in a process whose session bus (and so whose Secret Service) does not exist. */
async function withoutKeychain(...args: string[]): Promise<{ ok: boolean; code?: string; message?: string }> {
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(work.dir, 'no-bus-here')}` };
  const dataDir = join(work.dir, 'profile');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', child, dataDir, uniqueService(), ...args],
    {
      env,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ok: boolean; code?: string; message?: string };
}

/**
 * Runs one vault call inside a keyring of its own (scripts/with-keyring.sh, not the one this run shares),
 * locked before the call: locking the shared one would fail the test files running beside this one.
 */
async function withLockedKeychain(
  ...args: string[]
): Promise<{ ok: boolean; code?: string; message?: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ENSCALE_TEST_LOCK_KEYRING: '1' };
  delete env.ENSCALE_WITH_KEYRING;
  delete env.ENSCALE_KEYRING_DIR;
  const script = join(import.meta.dirname, '../../../scripts/with-keyring.sh');
  const dataDir = join(work.dir, 'profile');
  const { stdout } = await run(
    'bash',
    [script, process.execPath, '--import', 'tsx', child, dataDir, uniqueService(), ...args],
    { env },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ok: boolean; code?: string; message?: string };
}

/** Every file under the profile folder: there must be none, not even a temporary one. */
async function filesLeft(): Promise<string[]> {
  const entries = await readdir(join(work.dir, 'profile'), { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('KeyVault without a keychain', () => {
  it('refuses to generate a key with KeychainUnavailable, saying what to install, and writes no file', async () => {
    const result = await withoutKeychain('generate');
    expect(result).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(result.message).toMatch(/install gnome-keyring/i);
    expect(result.message).toMatch(/unlock/);
    expect(await filesLeft()).toEqual([]);
  });

  it('refuses to import a key with KeychainUnavailable and writes no file', async () => {
    const keyFile = join(work.dir, 'id_ed25519');
    await sshKeygen('-q', '-t', 'ed25519', '-N', '', '-f', keyFile);
    const result = await withoutKeychain('import', keyFile);
    expect(result).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(await filesLeft()).toEqual([]);
  });

  it('refuses to store a key in a locked keychain with KeychainUnavailable and writes no file', async () => {
    const result = await withLockedKeychain('generate');
    expect(result).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(result.message).toMatch(/locked/);
    expect(await filesLeft()).toEqual([]);
  });
});
