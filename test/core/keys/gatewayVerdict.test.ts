import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import type { GatewayKeyPolicy } from '../../../shared/src/keys.ts';
import { cappedKeychain, scratch, sshKeygen, uniqueService, type Scratch } from './keyTools.ts';

/**
 * The keys service says, with each key, whether the current platform's gateway takes its type: an
 * Ed25519 key is imported all the same (other servers take it) but carries a warning, worked out
 * afresh on every answer and never written to the vault's index.
 */
let work: Scratch;
let vault: KeyVault;
let policy: GatewayKeyPolicy;

beforeEach(async () => {
  work = await scratch('gateway-verdict');
  policy = { platform: 'Enscale', keyTypes: ['ssh-rsa'] };
  vault = new KeyVault({
    dataDir: work.dir,
    secrets: cappedKeychain(),
    service: uniqueService(),
    gatewayPolicy: async () => policy,
  });
});
afterEach(async () => {
  for (const key of await vault.list()) await vault.delete(key.id);
  await work.remove();
});

async function ed25519File(): Promise<string> {
  const path = join(work.dir, 'id_ed25519');
  await sshKeygen('-q', '-t', 'ed25519', '-N', '', '-C', 'old laptop', '-f', path);
  return path;
}

describe('the gateway’s verdict on each key', () => {
  it('imports an Ed25519 key with a warning, and none for RSA', async () => {
    const imported = await vault.importFile({ path: await ed25519File() });
    expect(imported).toMatchObject({ name: 'old laptop', type: 'ssh-ed25519', gatewayAccepts: false });
    expect(imported.warning).toBe(
      'The SSH gateway of Enscale accepts RSA keys only, so this Ed25519 key cannot sign in to it. It stays ' +
        'on this device for other servers; for the gateway, generate an RSA key (Keys → Generate) and sync it.',
    );
    const generated = await vault.generate({ name: 'new', bits: 2048 });
    expect(generated).toMatchObject({ gatewayAccepts: true });
    expect(generated).not.toHaveProperty('warning');
    const listed = await vault.list();
    expect(listed.map((key) => [key.name, key.gatewayAccepts, key.warning])).toEqual([
      ['old laptop', false, imported.warning],
      ['new', true, undefined],
    ]);
  });

  it('follows the platform: a gateway that takes Ed25519 keys lifts the warning', async () => {
    await vault.importFile({ path: await ed25519File() });
    policy = { platform: 'Sandbox', keyTypes: ['ssh-rsa', 'ssh-ed25519'] };
    const [key] = await vault.list();
    expect(key).toMatchObject({ gatewayAccepts: true });
    expect(key).not.toHaveProperty('warning');
    // Stored keys carry no verdict: it would go stale with the next change of platform.
    const index = await readFile(join(work.dir, 'keys', 'index.json'), 'utf8');
    expect(index).not.toMatch(/gatewayAccepts|warning/);
  });

  it('names what to use when the gateway takes no RSA keys either', async () => {
    policy = { keyTypes: ['ecdsa-sha2-nistp256'] };
    const [generated, imported] = [
      await vault.generate({ name: 'rsa', bits: 2048 }),
      await vault.importFile({ path: await ed25519File() }),
    ];
    expect(generated.warning).toBe(
      'The SSH gateway accepts ECDSA keys only, so this RSA key cannot sign in to it. It stays on this ' +
        'device for other servers; for the gateway, use an ECDSA key.',
    );
    expect(imported.warning).toMatch(/^The SSH gateway accepts ECDSA keys only, so this Ed25519 key/);
  });
});
