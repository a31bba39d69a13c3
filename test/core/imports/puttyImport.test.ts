import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSessionName, sessionsFromRegistry } from '../../../electron/core/imports/puttySessions.ts';
import { parseRegFile } from '../../../electron/core/imports/regFile.ts';
import type { ProcessRunner } from '../../../electron/core/imports/windowsRegistry.ts';
import { InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import { FIXTURES, GATEWAY, makeHome, savedOnly, service, type Home } from './importFixtures.ts';

let home: Home;
beforeEach(async () => {
  home = await makeHome();
});
afterEach(() => home.remove());

const BACKUP_PPK_SHA256 = async () => {
  // The fingerprint puttygen itself reports for the committed key, read here from its public lines.
  const text = await readFile(join(FIXTURES, 'backup.ppk'), 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Public-Lines:'));
  const blob = Buffer.from(lines.slice(at + 1, at + 1 + Number(lines[at]!.split(':')[1])).join(''), 'base64');
  const { createHash } = await import('node:crypto');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
};

describe('a .reg export of PuTTY sessions', () => {
  it.each(['utf16le', 'utf8'] as const)(
    'gives the gateway session as a shortcut, the others as hosts, and offers the .ppk (%s)',
    async (encoding) => {
      const path = await home.regFile(encoding);
      const plan = await service({ home: home.dir }).preview({ kind: 'regFile', path });
      const keyFile = join(home.dir, 'keys', 'backup.ppk');
      expect(plan.from).toBe(path);
      expect(plan.shortcuts).toEqual([
        {
          session: 'shop app node',
          draft: {
            name: 'shop app node',
            nodeId: 518839,
            uid: 4856,
            gateway: GATEWAY,
            importedFrom: 'PuTTY session “shop app node”',
          },
          notes: [],
        },
      ]);
      expect(plan.hosts.map(({ notes: _notes, ...host }) => host)).toEqual([
        {
          session: 'backup',
          draft: {
            name: 'backup',
            host: 'backup.example.org',
            port: 2222,
            user: 'deploy',
            importedFrom: 'PuTTY session “backup”',
          },
          auth: { kind: 'agent' },
          keyFile,
        },
        {
          session: 'db tunnel',
          draft: {
            name: 'db tunnel',
            host: 'db.example.org',
            port: 22,
            user: 'admin',
            importedFrom: 'PuTTY session “db tunnel”',
          },
          auth: { kind: 'agent' },
        },
      ]);
      expect(plan.hosts[0]?.notes).toEqual([]);
      expect(plan.hosts[1]?.notes).toHaveLength(1);
      expect(plan.hosts[1]?.notes[0]).toMatch(
        /^Its port forwards \(local port 13306 → localhost:3306, remote port 9000 → localhost:9000\): .*not imported/,
      );
      expect(plan.keyOffers).toEqual([
        {
          path: keyFile,
          usedBy: ['backup'],
          state: 'importable',
          encrypted: true,
          fingerprint: await BACKUP_PPK_SHA256(),
        },
      ]);
      expect(plan.skipped).toEqual([]);
    },
  );

  it('matches the sandbox gateway (127.0.0.1:3022) when that is the platform', async () => {
    const path = await home.regFile('utf8', '127.0.0.1');
    const sandbox = { host: '127.0.0.1', port: 3022 };
    const plan = await service({ home: home.dir, gateway: async () => sandbox }).preview({
      kind: 'regFile',
      path,
    });
    expect(plan.shortcuts.map((s) => s.draft.gateway)).toEqual([sandbox]);
    // On Enscale's gateway it would be a plain host at 127.0.0.1: 518839-4856 is a user like any other.
    const elsewhere = await service({ home: home.dir }).preview({ kind: 'regFile', path });
    expect(elsewhere.shortcuts).toEqual([]);
    expect(elsewhere.hosts.map((h) => [h.draft.host, h.draft.user])).toContainEqual([
      '127.0.0.1',
      '518839-4856',
    ]);
  });

  it('reads what regedit writes: escapes, continuations, hex, deletions', async () => {
    const keys = parseRegFile(await readFile(await home.regFile('utf16le')), 'x.reg');
    const backup = keys.find((k) => k.path.endsWith('\\backup'));
    expect(backup?.values.get('WinTitle')).toEqual({ type: 'string', value: 'the "backup" box' });
    expect(backup?.values.get('PortNumber')).toEqual({ type: 'dword', value: 2222 });
    const hex = backup?.values.get('SSHManualHostKeys');
    expect(hex?.type === 'binary' && hex.bytes.toString('latin1')).toBe('ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB');
    // The value after the continued one is still read.
    expect(backup?.values.get('PortForwardings')).toEqual({ type: 'string', value: '' });
    const shop = keys.find((k) => k.path.includes('shop%20app'));
    expect(shop?.values.get('LogFileName')).toEqual({ type: 'string', value: 'C:\\Users\\ann\\putty.log' });
  });

  it('explains each session it skips, and reads KiTTY and user@host', async () => {
    const plan = await service({ home: home.dir }).preview({
      kind: 'regFile',
      path: join(FIXTURES, 'regedit-windows.reg'),
    });
    expect(Object.fromEntries(plan.skipped.map((s) => [s.session, s.reason]))).toEqual({
      'Default Settings': expect.stringMatching(/settings for new sessions/),
      'old router': 'it is a telnet session: only SSH sessions are imported',
      'gateway menu': expect.stringMatching(/gateway’s menu for account 4856/),
      'no user': expect.stringMatching(/names no user/),
    });
    const hosts = Object.fromEntries(plan.hosts.map((h) => [h.session, h]));
    expect(Object.keys(hosts)).toEqual(['café', 'inner', 'behind socks', 'kitty box']);
    expect(hosts['café']?.draft).toMatchObject({ host: 'cafe.example.org', user: 'ops' });
    // PuTTY's SSH proxy (type 6) pointing at another imported session becomes its jump host.
    expect(hosts['inner']?.jump).toEqual({ session: 'café' });
    expect(hosts['behind socks']?.notes.join(' ')).toMatch(
      /PuTTY's SOCKS 5 proxy proxy\.example\.org:1080, which Enscale SSH does not do/,
    );
    expect(hosts['kitty box']?.draft.importedFrom).toBe('KiTTY session “kitty box”');
    expect(plan.keyOffers).toEqual([
      {
        path: 'C:\\Users\\ann\\Documents\\keys\\cafe.ppk',
        usedBy: ['café'],
        state: 'missing',
        encrypted: false,
        problem: 'there is no such file on this computer',
      },
    ]);
  });

  it('skips what is saved already, saying as what', async () => {
    const path = await home.regFile('utf8');
    const hosts = savedOnly(
      [{ id: 'h1', name: 'my db', host: 'DB.example.org', port: 22, user: 'admin', auth: { kind: 'agent' } }],
      [{ id: 's1', name: 'shop', nodeId: 518839, uid: 4856, gateway: GATEWAY }],
    );
    const plan = await service({ home: home.dir, hosts }).preview({ kind: 'regFile', path });
    expect(plan.shortcuts).toEqual([]);
    expect(plan.hosts.map((h) => h.session)).toEqual(['backup']);
    expect(plan.skipped).toEqual([
      { session: 'shop app node', reason: 'it is already saved as the node shortcut “shop”' },
      {
        session: 'db tunnel',
        reason: 'it is already saved as the host “my db” (same address, port and user)',
      },
    ]);
  });

  it('refuses a file that is not a registry export, or holds no sessions', async () => {
    const svc = service({ home: home.dir });
    await expect(svc.preview({ kind: 'regFile', path: join(FIXTURES, 'ssh_config') })).rejects.toThrow(
      /is not a registry export/,
    );
    await expect(svc.preview({ kind: 'regFile', path: 'relative.reg' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(svc.preview({ kind: 'regFile', path: join(home.dir, 'none.reg') })).rejects.toBeInstanceOf(
      LocalFileError,
    );
  });

  it('keeps a KiTTY session apart from a PuTTY one of the same name', () => {
    const reg = [
      'REGEDIT4',
      '[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\web]',
      '"HostName"="a.example.org"',
      '[HKEY_CURRENT_USER\\Software\\9bis.com\\KiTTY\\Sessions\\web]',
      '"HostName"="b.example.org"',
    ].join('\r\n');
    const { sessions } = sessionsFromRegistry(parseRegFile(Buffer.from(reg, 'latin1'), 'x.reg'));
    expect(sessions.map((s) => [s.name, s.host])).toEqual([
      ['web', 'a.example.org'],
      ['web (KiTTY)', 'b.example.org'],
    ]);
  });

  it('decodes session names as PuTTY escapes them', () => {
    expect(decodeSessionName('my%20server')).toBe('my server');
    expect(decodeSessionName('caf%C3%A9')).toBe('café');
    expect(decodeSessionName('%E9t%E9')).toBe('été'); // an ANSI (Windows-1252) name from old PuTTY
    expect(decodeSessionName('100%25')).toBe('100%');
  });
});

describe('~/.putty/sessions (PuTTY on Linux)', () => {
  it('reads the Key=Value files under their escaped names', async () => {
    const folder = join(FIXTURES, 'putty-home', '.putty', 'sessions');
    const sandbox = { host: '127.0.0.1', port: 3022 };
    const plan = await service({ home: home.dir, gateway: async () => sandbox }).preview({
      kind: 'puttySessions',
      folder,
    });
    expect(plan.shortcuts.map((s) => [s.session, s.draft.nodeId, s.draft.uid])).toEqual([
      ['sandbox node', 518839, 4856],
    ]);
    expect(plan.hosts.map((h) => [h.session, h.draft.host, h.draft.user])).toEqual([
      ['web server', 'web.example.org', 'www'],
    ]);
    expect(plan.hosts[0]?.notes[0]).toMatch(/local port 8080 → localhost:80/);
    expect(plan.skipped.map((s) => s.session).sort()).toEqual(['Default Settings', 'console']);
  });

  it('looks in ~/.putty/sessions by default, and not on Windows', async () => {
    await expect(service({ home: home.dir }).preview({ kind: 'puttySessions' })).rejects.toThrow(
      `There is no PuTTY sessions folder at ${join(home.dir, '.putty', 'sessions')}`,
    );
    await expect(
      service({ home: home.dir, platform: 'win32' }).preview({ kind: 'puttySessions' }),
    ).rejects.toThrow(/registry/);
  });
});

describe('the Windows registry', () => {
  /** Stands in for reg.exe only: it "exports" the committed regedit file, and has no KiTTY key. */
  const fakeReg =
    (calls: string[][]): ProcessRunner =>
    async (file, args) => {
      calls.push([file, ...args]);
      if (args[1]?.includes('SimonTatham')) {
        await copyFile(join(FIXTURES, 'regedit-windows.reg'), args[2] ?? '');
        return { code: 0, stdout: 'The operation completed successfully.\r\n', stderr: '' };
      }
      return {
        code: 1,
        stdout: '',
        stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n',
      };
    };

  it('exports the sessions key with reg.exe into a private folder it removes after', async () => {
    const calls: string[][] = [];
    const svc = service({ home: home.dir, platform: 'win32', runProcess: fakeReg(calls), tempDir: home.dir });
    const plan = await svc.preview({ kind: 'windowsRegistry' });
    expect(calls.map((c) => c.slice(0, 3))).toEqual([
      ['reg.exe', 'export', 'HKCU\\Software\\SimonTatham\\PuTTY\\Sessions'],
      ['reg.exe', 'export', 'HKCU\\Software\\9bis.com\\KiTTY\\Sessions'],
    ]);
    expect(calls[0]?.[4]).toBe('/y');
    expect(plan.hosts.map((h) => h.session)).toEqual(['café', 'inner', 'behind socks', 'kitty box']);
    // The temporary export is gone.
    await expect(stat(calls[0]?.[3] ?? '')).rejects.toThrow(/ENOENT/);
  });

  it('says when neither PuTTY nor KiTTY has sessions, and is Windows only', async () => {
    const none: ProcessRunner = async () => ({ code: 1, stdout: '', stderr: 'ERROR: not found' });
    await expect(
      service({ home: home.dir, platform: 'win32', runProcess: none, tempDir: home.dir }).preview({
        kind: 'windowsRegistry',
      }),
    ).rejects.toThrow(/There are no PuTTY or KiTTY sessions in the registry/);
    await expect(service({ home: home.dir }).preview({ kind: 'windowsRegistry' })).rejects.toThrow(
      /only on Windows/,
    );
  });
});
