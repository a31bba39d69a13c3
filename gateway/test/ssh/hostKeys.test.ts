import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostKeyError, gatewayHostKeyFingerprints, loadOrCreateHostKeys } from '../../src/ssh/hostKeys.ts';

const dir = mkdtempSync(join(tmpdir(), 'hostkeys-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `ssh-keygen -l` prints for a key file: the independent check of our fingerprints. */
function keygenFingerprint(path: string, hash: 'sha256' | 'md5'): string {
  const result = spawnSync('ssh-keygen', ['-l', '-E', hash, '-f', path], { encoding: 'utf8' });
  return result.stdout.split(' ')[1] ?? '';
}

describe('gateway host keys', () => {
  it('generates RSA 3072 and Ed25519 once, with fingerprints as ssh-keygen prints them', () => {
    const keys = loadOrCreateHostKeys(join(dir, 'hostkeys'));
    const rsaPath = join(dir, 'hostkeys', 'ssh_host_rsa_key');
    expect(spawnSync('ssh-keygen', ['-l', '-f', rsaPath], { encoding: 'utf8' }).stdout).toMatch(/^3072 /);
    expect(keys.rsa.fingerprints.sha256).toBe(keygenFingerprint(rsaPath, 'sha256'));
    expect(`MD5:${keys.rsa.fingerprints.md5}`).toBe(keygenFingerprint(rsaPath, 'md5'));
    expect(keys.ed25519.fingerprints.sha256).toBe(
      keygenFingerprint(join(dir, 'hostkeys', 'ssh_host_ed25519_key'), 'sha256'),
    );
    expect(statSync(rsaPath).mode & 0o777).toBe(0o600);
    expect(gatewayHostKeyFingerprints(keys)).toEqual(keys.rsa.fingerprints);
  });

  it('reuses the keys on the next start', () => {
    const first = loadOrCreateHostKeys(join(dir, 'hostkeys'));
    const second = loadOrCreateHostKeys(join(dir, 'hostkeys'));
    expect(second.rsa.publicKey).toBe(first.rsa.publicKey);
    expect(second.ed25519.publicKey).toBe(first.ed25519.publicKey);
  });

  it('refuses a damaged key file instead of silently replacing the identity', () => {
    const damaged = join(dir, 'damaged');
    loadOrCreateHostKeys(damaged);
    writeFileSync(join(damaged, 'ssh_host_ed25519_key'), 'not a key');
    expect(() => loadOrCreateHostKeys(damaged)).toThrow(HostKeyError);
    expect(() => loadOrCreateHostKeys(damaged)).toThrow(/Delete it to have a new one generated/);
  });
});
