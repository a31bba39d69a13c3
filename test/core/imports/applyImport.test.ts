import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostStore } from '../../../electron/core/hosts/HostStore.ts';
import { KeyVault } from '../../../electron/core/keys/KeyVault.ts';
import { cappedKeychain, uniqueService } from '../keys/keyTools.ts';
import { GATEWAY, makeHome, PPK_PASSPHRASE, service, type Home } from './importFixtures.ts';

let home: Home;
let dataDir: string;
let vault: KeyVault;
let hosts: HostStore;

beforeEach(async () => {
  home = await makeHome();
  dataDir = await mkdtemp(join(tmpdir(), 'import-profile-'));
  vault = new KeyVault({ dataDir, secrets: cappedKeychain(), service: uniqueService() });
  hosts = new HostStore({ dataDir, keyExists: async (id) => (await vault.list()).some((k) => k.id === id) });
});
afterEach(async () => {
  for (const key of await vault.list()) await vault.delete(key.id);
  await rm(dataDir, { recursive: true, force: true });
  await home.remove();
});

const importer = () => service({ home: home.dir, hosts, keys: vault });

describe('applying a PuTTY import (real HostStore, real vault in the keychain)', () => {
  it('imports the .ppk with its passphrase, then the host signing in with it', async () => {
    const source = { kind: 'regFile' as const, path: await home.regFile('utf16le') };
    const plan = await importer().preview(source);
    const offer = plan.keyOffers[0]!;
    const report = await importer().apply(source, {
      keys: [{ path: offer.path, passphrase: PPK_PASSPHRASE }],
    });

    const [key] = await vault.list();
    expect(key).toMatchObject({ name: 'backup key', type: 'ssh-rsa', origin: 'imported' });
    expect(key?.fingerprints.sha256).toBe(offer.fingerprint);
    const saved = await hosts.list();
    expect(saved.shortcuts).toEqual([
      expect.objectContaining({ name: 'shop app node', nodeId: 518839, uid: 4856, gateway: GATEWAY }),
    ]);
    expect(saved.hosts.map((h) => [h.name, h.host, h.port, h.user, h.auth])).toEqual([
      ['backup', 'backup.example.org', 2222, 'deploy', { kind: 'key', keyId: key?.id }],
      ['db tunnel', 'db.example.org', 22, 'admin', { kind: 'agent' }],
    ]);
    expect(report.imported.map((i) => [i.kind, i.name])).toEqual([
      ['key', 'backup key'],
      ['shortcut', 'shop app node'],
      ['host', 'backup'],
      ['host', 'db tunnel'],
    ]);
    expect(report.imported.at(-1)?.notes.join(' ')).toMatch(/port forwards .* not imported/);
    expect(report.notImported).toEqual([]);

    // A second import finds everything saved: nothing is added twice, and each reason says why.
    const again = await importer().apply(source, {});
    expect(again.imported).toEqual([]);
    expect(again.notImported.map((n) => n.name)).toEqual(['shop app node', 'backup', 'db tunnel']);
    expect((await hosts.list()).hosts).toHaveLength(2);
    expect(await vault.list()).toHaveLength(1);
  });

  it('without the passphrase, the key is not imported and the host signs in with the agent', async () => {
    const source = { kind: 'regFile' as const, path: await home.regFile('utf8') };
    const { keyOffers } = await importer().preview(source);
    const wrong = await importer().apply(source, {
      sessions: [],
      keys: [{ path: keyOffers[0]!.path, passphrase: 'nope' }],
    });
    expect(wrong.notImported[0]).toEqual({
      kind: 'key',
      name: keyOffers[0]!.path,
      reason: 'the passphrase is wrong',
    });
    expect(wrong.imported).toEqual([]);

    const report = await importer().apply(source, {
      sessions: ['backup'],
      keys: [{ path: keyOffers[0]!.path }],
    });
    expect(await vault.list()).toEqual([]);
    expect(report.notImported).toEqual([
      {
        kind: 'key',
        name: keyOffers[0]!.path,
        reason: 'it is protected by a passphrase: type the passphrase to import it',
      },
      { kind: 'shortcut', name: 'shop app node', reason: 'it was not chosen' },
      { kind: 'host', name: 'db tunnel', reason: 'it was not chosen' },
    ]);
    const [backup] = (await hosts.list()).hosts;
    expect(backup?.auth).toEqual({ kind: 'agent' });
    expect(report.imported[0]?.notes.join(' ')).toMatch(
      /signs in with your SSH agent: its key .*backup\.ppk is not in the vault/,
    );
  });

  it('saves a jump host before the hosts reached through it (ssh config ProxyJump)', async () => {
    const { copyFile, mkdir } = await import('node:fs/promises');
    const { FIXTURES } = await import('./importFixtures.ts');
    await mkdir(join(home.dir, '.ssh'));
    await copyFile(join(FIXTURES, 'ssh_config'), join(home.dir, '.ssh', 'config'));
    const report = await importer().apply({ kind: 'sshConfig' }, { sessions: ['app1', 'bastion'] });
    const saved = (await hosts.list()).hosts;
    const bastion = saved.find((h) => h.name === 'bastion');
    expect(saved.find((h) => h.name === 'app1')?.jumpHostId).toBe(bastion?.id);
    expect(report.imported.map((i) => i.name)).toEqual(['bastion', 'app1']);
  });
});
