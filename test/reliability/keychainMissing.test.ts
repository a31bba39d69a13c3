import { Sandbox } from '@enscale-ssh/gateway';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A desktop session whose D-Bus has no Secret Service at all (no gnome-keyring, KWallet or KeePassXC,
 * and nothing that could be started on demand): every operation that needs a secret must fail with
 * KeychainUnavailable, saying what to do — and nothing secret may end up anywhere else: not in the
 * data folder, not in the process's temporary folder. (No session bus at all, and a locked keyring,
 * are in test/core/keys/keychainUnavailable.test.ts.)
 */
const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'support', 'keychainChild.ts');

/** A session bus with no service directories: org.freedesktop.secrets cannot even be activated. */
const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
}

describe('no Secret Service on the session bus', () => {
  let dir: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'no-secret-service-'));
    writeFileSync(join(dir, 'bus.conf'), BUS_CONFIG);
    sandbox = await Sandbox.start({ apiPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  /** Runs one call on a bus of its own, with its own empty data and temporary folders. */
  async function withoutSecretService(name: string, ...args: string[]) {
    const dataDir = join(dir, name, 'data');
    const temp = join(dir, name, 'tmp');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(temp, { recursive: true });
    // tsx would cache its compiled code in the temporary folder; that folder must stay empty.
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp, TSX_DISABLE_CACHE: '1' };
    delete env['DBUS_SESSION_BUS_ADDRESS'];
    const { stdout } = await run(
      'dbus-run-session',
      [
        `--config-file=${join(dir, 'bus.conf')}`,
        '--',
        process.execPath,
        '--import',
        'tsx',
        CHILD,
        dataDir,
        `enscale-test-${name}`,
        ...args,
      ],
      { env },
    );
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Outcome;
    return { outcome, files: [...filesUnder(dataDir), ...filesUnder(temp)] };
  }

  it('refuses to generate a key, and writes no file', async () => {
    const { outcome, files } = await withoutSecretService('generate', 'generate');
    expect(outcome).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(outcome.message).toMatch(/install gnome-keyring/i);
    expect(files).toEqual([]);
  });

  it('refuses to import a key, and no byte of it lands anywhere', async () => {
    const keyFile = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const { outcome, files } = await withoutSecretService('import', 'import', keyFile);
    expect(outcome).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(files).toEqual([]);
  });

  it('refuses to sign in (the session would have nowhere safe to live), and keeps no session', async () => {
    const { outcome, files } = await withoutSecretService('signin', 'signin', sandbox.ready.api);
    expect(outcome).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    // The profile may be remembered; no session token and no account may be.
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/[0-9a-f]{64}/);
      expect(text, file).not.toContain('4856');
    }
  });

  it('refuses to remember database credentials, and writes the password nowhere', async () => {
    const { outcome, files } = await withoutSecretService('db', 'db');
    expect(outcome).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('db-secret-1234');
  });
});

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
