import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { FIXTURES, GATEWAY, makeHome, service, type Home } from './importFixtures.ts';

let home: Home;
beforeEach(async () => {
  home = await makeHome();
  await mkdir(join(home.dir, '.ssh'));
  await copyFile(join(FIXTURES, 'ssh_config'), join(home.dir, '.ssh', 'config'));
});
afterEach(() => home.remove());

describe('~/.ssh/config hosts', () => {
  it('imports named hosts, links ProxyJump, and skips patterns, Match and Include with reasons', async () => {
    const plan = await service({ home: home.dir }).preview({ kind: 'sshConfig' });
    const config = join(home.dir, '.ssh', 'config');
    expect(plan.source).toEqual({ kind: 'sshConfig', path: config });
    expect(plan.hosts.map((h) => [h.session, h.draft.host, h.draft.port, h.draft.user])).toEqual([
      ['bastion', 'bastion.example.org', 22, 'ops'],
      ['app1', '10.1.0.11', 22, 'deploy'],
      ['legacy', 'legacy.example.org', 22, 'ann'],
    ]);
    const [bastion, app1, legacy] = plan.hosts;
    expect(bastion?.keyFile).toBe(join(home.dir, 'keys', 'id_deploy'));
    expect(app1?.jump).toEqual({ session: 'bastion' });
    expect(app1?.notes.join(' ')).toMatch(/local forward 8080 localhost:80/);
    expect(legacy?.notes.join(' ')).toMatch(/names no User, so it gets your local user name “ann”/);
    expect(legacy?.notes.join(' ')).toMatch(/ProxyCommand nc -X 5/);
    expect(plan.shortcuts.map((s) => [s.session, s.draft])).toEqual([
      [
        'shop-518839',
        {
          name: 'shop-518839',
          nodeId: 518839,
          uid: 4856,
          gateway: GATEWAY,
          importedFrom: `${config} Host shop-518839`,
        },
      ],
    ]);
    expect(plan.skipped.map((s) => s.session)).toEqual([
      'Include ~/.ssh/config.d/*',
      'Host *.example.org',
      'Host !bad.example.org',
      'Match exec touch /tmp/enscale-import-must-not-run',
      'Host *',
      'app1.internal',
    ]);
    expect(plan.skipped.at(-1)?.reason).toBe('it is the same host, port and user as “app1”');
    // `Match exec` is never run.
    await expect(stat('/tmp/enscale-import-must-not-run')).rejects.toThrow(/ENOENT/);
    // `Host *`'s IdentityFile applies to every host, as ssh reads it: offered, and found missing.
    expect(plan.keyOffers.map((o) => [o.path, o.state, o.encrypted, o.usedBy])).toEqual([
      [join(home.dir, 'keys', 'id_deploy'), 'importable', false, ['bastion']],
      [join(home.dir, 'keys', 'missing_key'), 'missing', false, ['bastion', 'app1', 'shop-518839', 'legacy']],
    ]);
  });

  it('knows a key already in the vault by its public key, and signs in with it', async () => {
    const { readFile } = await import('node:fs/promises');
    const publicKey = (await readFile(join(FIXTURES, 'id_deploy.pub'), 'utf8')).trim();
    const inVault = { id: 'k-deploy', name: 'deploy key', publicKey } as KeyInfo;
    const plan = await service({ home: home.dir, vaultKeys: [inVault] }).preview({ kind: 'sshConfig' });
    expect(plan.hosts[0]?.auth).toEqual({ kind: 'key', keyId: 'k-deploy' });
    expect(plan.keyOffers[0]).toMatchObject({
      state: 'inVault',
      inVault: { id: 'k-deploy', name: 'deploy key' },
    });
  });

  it('says when the file is not there', async () => {
    await expect(
      service({ home: home.dir }).preview({ kind: 'sshConfig', path: join(home.dir, 'nope') }),
    ).rejects.toThrow(`There is no file ${join(home.dir, 'nope')}.`);
  });
});
