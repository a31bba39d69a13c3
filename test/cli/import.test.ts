import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportPlan, ImportReport } from '../../shared/src/imports.ts';
import type { KeyInfo } from '../../shared/src/keys.ts';
import { FIXTURES, makeHome, PPK_PASSPHRASE, type Home } from '../core/imports/importFixtures.ts';
import { json, runCli } from './runCli.ts';

/** `enscale-ssh import` as a person runs it, on the sandbox's gateway address (127.0.0.1:3022). */
let home: Home;
let profile: string;
let regFile: string;
const cli = (args: string[], input?: string) => runCli(profile, args, input ?? '', { HOME: home.dir });

beforeAll(async () => {
  home = await makeHome();
  profile = await mkdtemp(join(tmpdir(), 'cli-import-'));
  regFile = await home.regFile('utf16le', '127.0.0.1');
  await mkdir(join(home.dir, '.ssh'));
  await copyFile(join(FIXTURES, 'ssh_config'), join(home.dir, '.ssh', 'config'));
  // A platform whose gateway is the sandbox's address; nothing is asked of its API here.
  const use = await cli(['platform', 'use', 'http://127.0.0.1:9/', '--gateway', '127.0.0.1:3022']);
  expect(use.stderr).toBe('');
});

afterAll(async () => {
  const keys = json<KeyInfo[]>(await cli(['keys', 'list', '--json']));
  for (const key of keys) await cli(['keys', 'delete', key.id]);
  await rm(profile, { recursive: true, force: true });
  await home.remove();
});

describe('enscale-ssh import', () => {
  it('--dry-run shows the plan and saves nothing', async () => {
    const result = await cli(['import', regFile, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`From ${regFile}:`);
    expect(result.stdout).toContain('shop app node → node 518839 (account 4856) through 127.0.0.1:3022');
    expect(result.stdout).toContain(
      'backup → deploy@backup.example.org:2222, signs in with its key file once imported',
    );
    expect(result.stdout).toMatch(/backup\.ppk: not in the vault yet, protected by a passphrase \(SHA256:/);
    const plan = json<ImportPlan>(await cli(['import', regFile, '--dry-run', '--json']));
    expect([plan.shortcuts.length, plan.hosts.length, plan.keyOffers.length]).toEqual([1, 2, 1]);
    expect((await cli(['hosts', '--json'])).stdout).not.toContain('backup');
    // A registry export under another name is still read as one (regedit's UTF-16 header).
    const renamed = join(home.dir, 'sessions-export');
    await copyFile(regFile, renamed);
    const again = json<ImportPlan>(await cli(['import', renamed, '--dry-run', '--json']));
    expect(again.source).toEqual({ kind: 'regFile', path: renamed });
  });

  it('imports the sessions, and with --keys the .ppk, its passphrase read from stdin', async () => {
    const result = await cli(['import', regFile, '--keys', '--json'], `${PPK_PASSPHRASE}\n`);
    expect(result.stderr).toBe('');
    const report = json<ImportReport>(result);
    expect(report.imported.map((i) => [i.kind, i.name])).toEqual([
      ['key', 'backup key'],
      ['shortcut', 'shop app node'],
      ['host', 'backup'],
      ['host', 'db tunnel'],
    ]);
    const keys = json<KeyInfo[]>(await cli(['keys', 'list', '--json']));
    expect(keys.map((k) => k.name)).toEqual(['backup key']);

    const again = await cli(['import', regFile]);
    expect(again.stdout).toContain('Nothing was imported.');
    expect(again.stdout).toContain('session “backup”: it is already saved as the host “backup”');
  });

  it('--ssh-config reads ~/.ssh/config', async () => {
    const plan = json<ImportPlan>(await cli(['import', '--ssh-config', '--dry-run', '--json']));
    expect(plan.from).toBe(join(home.dir, '.ssh', 'config'));
    expect(plan.hosts.map((h) => h.session)).toEqual(['bastion', 'app1', 'shop-518839', 'legacy']);
  });

  it('asks for exactly one source', async () => {
    const result = await cli(['import', regFile, '--ssh-config']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Say what to import');
  });
});
