import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { Core } from '../../../electron/core/Core.ts';
import { findAppVersion } from '../../../electron/core/settings/about.ts';
import type { GatewayConnectionsOptions } from '../../../electron/core/ssh/GatewayConnections.ts';
import { createCoreClient } from '../../../shared/src/contract.ts';
import { messagePortChannel, type MessagePortLike } from '../../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../../shared/src/rpc/RpcHost.ts';
import { SettingsService } from '../../../electron/core/settings/SettingsService.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/src/settings.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stored = async (): Promise<unknown> => JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));

describe('SettingsService', () => {
  it('starts from the defaults and keeps changes in the data folder for the next start', async () => {
    const first = new SettingsService({ dataDir: dir });
    expect(await first.get()).toEqual(DEFAULT_APP_SETTINGS);
    const told: AppSettings[] = [];
    first.events.on('changed', (settings) => told.push(settings));

    const after = await first.update({ transfers: { concurrency: 5, conflict: 'keepBoth' } });
    expect(after.transfers).toEqual({
      ...DEFAULT_APP_SETTINGS.transfers,
      concurrency: 5,
      conflict: 'keepBoth',
    });
    expect(after.connection).toEqual(DEFAULT_APP_SETTINGS.connection);
    await first.update({ connection: { keepaliveSeconds: 30 } });
    expect(told.map((s) => s.connection.keepaliveSeconds)).toEqual([15, 30]);
    expect(await stored()).toEqual({
      transfers: { ...DEFAULT_APP_SETTINGS.transfers, concurrency: 5, conflict: 'keepBoth' },
      connection: { keepaliveSeconds: 30 },
      terminal: DEFAULT_APP_SETTINGS.terminal,
      editor: DEFAULT_APP_SETTINGS.editor,
      folders: DEFAULT_APP_SETTINGS.folders,
      agent: DEFAULT_APP_SETTINGS.agent,
    });

    const second = new SettingsService({ dataDir: dir });
    expect(second.current()).toEqual(DEFAULT_APP_SETTINGS); // not read yet
    await second.ready();
    expect(second.current()).toEqual({
      transfers: { ...DEFAULT_APP_SETTINGS.transfers, concurrency: 5, conflict: 'keepBoth' },
      connection: { keepaliveSeconds: 30 },
      terminal: DEFAULT_APP_SETTINGS.terminal,
      editor: DEFAULT_APP_SETTINGS.editor,
      folders: DEFAULT_APP_SETTINGS.folders,
      agent: DEFAULT_APP_SETTINGS.agent,
    });
  });

  it('clamps numbers into their range and rounds them', async () => {
    const settings = new SettingsService({ dataDir: dir });
    expect((await settings.update({ transfers: { concurrency: 20 } })).transfers.concurrency).toBe(8);
    expect((await settings.update({ transfers: { concurrency: 0 } })).transfers.concurrency).toBe(1);
    expect((await settings.update({ transfers: { concurrency: 2.6 } })).transfers.concurrency).toBe(3);
    expect((await settings.update({ connection: { keepaliveSeconds: 1 } })).connection.keepaliveSeconds).toBe(
      5,
    );
    expect(
      (await settings.update({ connection: { keepaliveSeconds: 1e9 } })).connection.keepaliveSeconds,
    ).toBe(600);
  });

  it('refuses what it does not know, saying what is allowed, and changes nothing then', async () => {
    const settings = new SettingsService({ dataDir: dir });
    await settings.update({ transfers: { concurrency: 4 } });
    const refusals: [unknown, RegExp][] = [
      [{ transfers: { concurrency: 'many' } }, /Files copied at once must be a number from 1 to 8/],
      [{ transfers: { concurrency: Number.NaN } }, /from 1 to 8/],
      [{ transfers: { conflict: 'merge' } }, /one of ask, overwrite, skip, keepBoth, not 'merge'/],
      [
        { connection: { keepaliveSeconds: null } },
        /keepalive interval \(seconds\) must be a number from 5 to 600/,
      ],
      [
        { transfers: { speed: 3 } },
        /no setting 'transfers.speed' \(there are: concurrency, conflict, normalizeUploadNames, uploadSkip\)/,
      ],
      [{ theme: 'dark' }, /no settings section 'theme'/],
      [{ transfers: 3 }, /'transfers' settings must be an object/],
      [null, /must be an object/],
      [[1, 2], /must be an object/],
    ];
    for (const [change, message] of refusals) {
      // The RPC hands over whatever the far side sent: the type is the contract's, the value is not.
      const attempt = settings.update(change as Parameters<SettingsService['update']>[0]);
      await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
      await expect(attempt).rejects.toThrow(message);
    }
    expect((await settings.get()).transfers.concurrency).toBe(4);
    expect(await stored()).toMatchObject({ transfers: { concurrency: 4 } });
  });

  it('applies quick successive changes one after another, losing none', async () => {
    const settings = new SettingsService({ dataDir: dir });
    await Promise.all([
      settings.update({ transfers: { concurrency: 6 } }),
      settings.update({ transfers: { conflict: 'skip' } }),
      settings.update({ connection: { keepaliveSeconds: 45 } }),
    ]);
    const expected = {
      transfers: { ...DEFAULT_APP_SETTINGS.transfers, concurrency: 6, conflict: 'skip' },
      connection: { keepaliveSeconds: 45 },
      terminal: DEFAULT_APP_SETTINGS.terminal,
      editor: DEFAULT_APP_SETTINGS.editor,
      folders: DEFAULT_APP_SETTINGS.folders,
      agent: DEFAULT_APP_SETTINGS.agent,
    };
    expect(await settings.get()).toEqual(expected);
    expect(await stored()).toEqual(expected);
  });

  it('keeps the upload names rule and skip list, refusing paths and damaged lists', async () => {
    const settings = new SettingsService({ dataDir: dir });
    const after = await settings.update({
      transfers: { normalizeUploadNames: false, uploadSkip: [' *.log ', '', '.DS_Store', '*.log'] },
    });
    expect(after.transfers).toMatchObject({
      normalizeUploadNames: false,
      uploadSkip: ['*.log', '.DS_Store'],
    });
    const refusals: [unknown, RegExp][] = [
      [{ transfers: { normalizeUploadNames: 'yes' } }, /on or off: true or false/],
      [{ transfers: { uploadSkip: '.DS_Store' } }, /must be a list of name patterns/],
      [{ transfers: { uploadSkip: [3] } }, /must be a list of name patterns/],
      [{ transfers: { uploadSkip: ['node_modules/*'] } }, /match a file or folder name, not a path/],
      [{ transfers: { uploadSkip: Array.from({ length: 101 }, (_, i) => `p${i}`) } }, /at most 100 patterns/],
      [{ transfers: { uploadSkip: ['x'.repeat(256)] } }, /at most 255 characters/],
    ];
    for (const [change, message] of refusals) {
      await expect(settings.update(change as Parameters<SettingsService['update']>[0])).rejects.toThrow(
        message,
      );
    }
    expect((await settings.get()).transfers.uploadSkip).toEqual(['*.log', '.DS_Store']);
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ transfers: { uploadSkip: ['a/b'] } }));
    expect((await new SettingsService({ dataDir: dir }).get()).transfers).toEqual(
      DEFAULT_APP_SETTINGS.transfers,
    );
  });

  it('keeps the editor, the log folder and each destination’s last folder, refusing relative paths and multi-line commands', async () => {
    const settings = new SettingsService({ dataDir: dir });
    const next = await settings.update({
      editor: { command: '  code --wait ' },
      terminal: { logSessions: true, logFolder: '/var/log/enscale', logRaw: true },
      folders: { download: '/home/ann/Downloads/site', sessionLogs: '/var/log/enscale' },
    });
    expect(next.editor).toEqual({ command: 'code --wait' });
    expect(next.terminal).toMatchObject({ logSessions: true, logFolder: '/var/log/enscale', logRaw: true });
    expect(next.folders).toEqual({
      ...DEFAULT_APP_SETTINGS.folders,
      download: '/home/ann/Downloads/site',
      sessionLogs: '/var/log/enscale',
    });
    await expect(settings.update({ folders: { sqlExport: 'dumps' } })).rejects.toThrow(/must be a full path/);
    await expect(settings.update({ terminal: { logFolder: 'logs' } })).rejects.toThrow(
      /The log folder must be a full path/,
    );
    await expect(settings.update({ editor: { command: 'vim\nrm -rf ~' } })).rejects.toThrow(/one line/);
    await expect(settings.update({ terminal: { logRaw: 'yes' as unknown as boolean } })).rejects.toThrow(
      /true or false/,
    );
    // Nothing of a refused change was kept; an empty folder goes back to the default place.
    expect((await settings.get()).folders.sqlExport).toBe('');
    expect((await settings.update({ terminal: { logFolder: '' } })).terminal.logFolder).toBe('');
    // A hand-edited file: a relative folder and a damaged command read as their defaults.
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ editor: { command: 42 }, folders: { download: 'relative', keyExport: '/keys' } }),
    );
    const read = await new SettingsService({ dataDir: dir }).get();
    expect(read.editor.command).toBe('');
    expect(read.folders).toEqual({ ...DEFAULT_APP_SETTINGS.folders, keyExport: '/keys' });
  });

  it('keeps the SSH agent switches (on, no confirmation by default), refusing anything but true or false', async () => {
    const settings = new SettingsService({ dataDir: dir });
    expect((await settings.get()).agent).toEqual({ enabled: true, confirm: false });
    expect((await settings.update({ agent: { confirm: true } })).agent).toEqual({
      enabled: true,
      confirm: true,
    });
    expect((await settings.update({ agent: { enabled: false } })).agent).toEqual({
      enabled: false,
      confirm: true,
    });
    const attempt = settings.update({ agent: { enabled: 'yes' } } as unknown as Parameters<
      SettingsService['update']
    >[0]);
    await expect(attempt).rejects.toThrow('agent.enabled is on or off: true or false.');
    await expect(
      settings.update({ agent: { socket: '/tmp/x' } } as unknown as Parameters<SettingsService['update']>[0]),
    ).rejects.toThrow("There is no setting 'agent.socket' (there are: enabled, confirm).");
    expect((await new SettingsService({ dataDir: dir }).get()).agent).toEqual({
      enabled: false,
      confirm: true,
    });
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ agent: { enabled: 'no', confirm: 1 } }));
    expect((await new SettingsService({ dataDir: dir }).get()).agent).toEqual(DEFAULT_APP_SETTINGS.agent);
  });

  it('reads a damaged or hand-edited file as far as it makes sense', async () => {
    await writeFile(join(dir, 'settings.json'), '{not json');
    expect(await new SettingsService({ dataDir: dir }).get()).toEqual(DEFAULT_APP_SETTINGS);
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({
        transfers: { concurrency: 99, conflict: 'nope' },
        connection: { keepaliveSeconds: 'x' },
      }),
    );
    expect(await new SettingsService({ dataDir: dir }).get()).toEqual({
      transfers: { ...DEFAULT_APP_SETTINGS.transfers, concurrency: 8, conflict: 'ask' },
      connection: { keepaliveSeconds: 15 },
      terminal: DEFAULT_APP_SETTINGS.terminal,
      editor: DEFAULT_APP_SETTINGS.editor,
      folders: DEFAULT_APP_SETTINGS.folders,
      agent: DEFAULT_APP_SETTINGS.agent,
    });
  });

  it('tells the versions, the data and log folders, and where exports go', async () => {
    const home = join(dir, 'home');
    await mkdir(home);
    const settings = new SettingsService({ dataDir: join(dir, 'profile'), homeDir: home });
    const about = await settings.about();
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(about.appVersion).toBe(pkg.version);
    expect(about.versions).toEqual({ node: process.versions.node, electron: null, chromium: null });
    expect(about.dataDir).toBe(join(dir, 'profile'));
    expect(about.logDir).toBe(join(dir, 'profile', 'logs'));
    expect(about.pathSeparator).toBe('/');
    expect(about.os).toBe(`${process.platform} ${process.arch}`);
    expect(about.secrets).toBe('keychain');
    // No Downloads folder: the home folder; once there is one, that.
    expect(about.downloadsDir).toBe(home);
    await mkdir(join(home, 'Downloads'));
    expect((await settings.about()).downloadsDir).toBe(join(home, 'Downloads'));

    const told = new SettingsService({
      dataDir: dir,
      logDir: '/var/log/enscale',
      appVersion: '9.9.9',
      secrets: 'memory',
    });
    expect(await told.about()).toMatchObject({
      logDir: '/var/log/enscale',
      appVersion: '9.9.9',
      secrets: 'memory',
    });
  });

  it('finds no version where no package.json of the app is above the code', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    expect(await findAppVersion(join(dir, 'core', 'about.js'))).toBeNull();
  });

  it('is served by the core, and new gateway connections take its keepalive', async () => {
    const core = new Core({
      dataDir: dir,
      interactive: false,
      keychainService: `enscale-ssh-test-settings-${process.pid}`,
    });
    const { port1, port2 } = new MessageChannel();
    try {
      new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), core.exposed());
      const api = createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike)).core;
      const changed = new Promise<AppSettings>((resolve) => api.settings.events.on('changed', resolve));
      await api.settings.update({ connection: { keepaliveSeconds: 45 } });
      expect((await changed).connection.keepaliveSeconds).toBe(45);
      await expect(api.settings.update({ connection: { keepaliveSeconds: -1 } })).resolves.toMatchObject({
        connection: { keepaliveSeconds: 5 },
      });
      // Refused by the RPC's argument check before the service sees it, naming the field and the choices.
      await expect(api.settings.update({ transfers: { conflict: 'never' as never } })).rejects.toThrow(
        'settings.update: args[0].transfers.conflict must be "overwrite" | "skip" | "keepBoth" | "ask", not "never".',
      );
      expect((await api.settings.about()).dataDir).toBe(dir);
      // What GatewayConnections reads for each new connection: ssh2 shows the interval nowhere else
      // without a server, so the option itself is looked at.
      const options = (core.connections as unknown as { options: GatewayConnectionsOptions }).options;
      expect(options.keepaliveIntervalMs).toBe(5000);
    } finally {
      port1.close();
      port2.close();
      core.close();
    }
  });
});
