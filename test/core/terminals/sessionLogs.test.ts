import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsService } from '../../../electron/core/settings/SettingsService.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { LocalTerminals } from '../../../electron/core/terminals/LocalTerminals.ts';
import { SessionLog } from '../../../electron/core/terminals/sessionLog/SessionLog.ts';
import { SessionLogs } from '../../../electron/core/terminals/sessionLog/SessionLogs.ts';
import { TerminalLog } from '../../../electron/core/terminals/sessionLog/TerminalLog.ts';
import { TerminalSessions } from '../../../electron/core/terminals/TerminalSessions.ts';
import type { TerminalEvents } from '../../../shared/src/terminals.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { exitOf, outputUntil } from '../support/terminalOutput.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let dataDir: string;
let settings: SettingsService;
let opened: string[];
let terminals: TerminalSessions;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  dataDir = mkdtempSync(join(tmpdir(), 'session-logs-'));
  settings = new SettingsService({ dataDir });
  opened = [];
  // The OS opener has no desktop to open a folder in here; what the core hands it is what is checked.
  const openPath = async (path: string) => void opened.push(path);
  terminals = new TerminalSessions(connections, { logs: new SessionLogs({ dataDir, settings, openPath }) });
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const node = (log?: Parameters<TerminalSessions['open']>[0]['log'], service = terminals) =>
  service.open({ target: account.target('518839-4856'), cols: 100, rows: 30, ...(log ? { log } : {}) });
const PASSWORD = 'hunter2-never-logged';
const STAMP = /\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d/.source;

/** Runs `command` in the terminal and waits for `until` on its screen. */
/** What the helpers use of a terminal service, gateway or local. */
type Service = Pick<TerminalSessions, 'events' | 'ack' | 'write'>;

async function run(
  id: string,
  command: string,
  until: RegExp,
  service: Service = terminals,
): Promise<string> {
  const seen = outputUntil(service, id, until);
  await service.write(id, command);
  return seen;
}

async function exit(id: string, service: Service = terminals): Promise<void> {
  const exited = exitOf(service, id);
  await service.write(id, 'exit\n');
  await exited;
}

describe('session logs of gateway terminals', () => {
  it('logs what the node prints as plain text, and never a password typed at a prompt that does not echo', async () => {
    await settings.update({ terminal: { logSessions: true } });
    const { id, log } = await node({ environment: 'shop' });
    const path = log?.path ?? '';
    expect(dirname(path)).toBe(join(dataDir, 'session-logs'));
    expect(basename(path)).toMatch(new RegExp(`^shop-518839-${STAMP}\\.log$`));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);

    await run(id, 'echo $((40+2))\n', /^42\r?$/m);
    await run(id, "read -r -s -p 'Password: ' secret; echo\n", /Password: $/);
    await run(id, `${PASSWORD}\n`, /\$ $/);
    await run(
      id,
      'echo "length ${#secret}"; printf "\\033[1;31mred\\033[0m \\033]0;a title\\007done\\n"\n',
      /done/,
    );
    await exit(id);

    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(
      /^\[Session log of node 518839 in shop, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\]\n/,
    );
    expect(text).toMatch(/^42$/m);
    expect(text).toMatch(/echo \$\(\(40\+2\)\)$/m);
    expect(text).toMatch(/^Password:$/m);
    // Longer than the 100 columns: readline wrapped it, the log has it whole.
    expect(text).toMatch(/^\S+@node518839-shop:~\$ echo "length \$\{#secret\}"; printf .*done\\n"$/m);
    expect(text).toMatch(/^length 20$/m);
    expect(text).toMatch(/^red done$/m);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
    // The title is on the echoed command line only: the OSC that set it left nothing.
    expect(text.split('\n').filter((line) => line.includes('a title'))).toHaveLength(1);
  });

  it('keeps the escape sequences in raw mode, the bytes as they came', async () => {
    await settings.update({ terminal: { logSessions: true, logRaw: true } });
    const { id, log } = await node({ environment: 'shop' });
    await run(id, "printf '\\033[31mred\\033[0m\\n'\n", /red/);
    await run(id, "read -r -s -p 'Password: ' secret\n", /Password: $/);
    await run(id, `${PASSWORD}\n`, /\$ $/);
    await exit(id);
    const raw = readFileSync(log?.path ?? '');
    expect(raw.includes(Buffer.from('\x1b[31mred\x1b[0m\r\n'))).toBe(true);
    expect(raw.toString('utf8')).not.toContain(PASSWORD);
    expect(raw.toString('utf8')).not.toContain('[Session log');
    await settings.update({ terminal: { logRaw: false } });
  });

  it('gives two tabs started in the same second a file each', async () => {
    const second = new Date(2026, 4, 1, 14, 3, 22);
    const sameSecond = new TerminalSessions(connections, {
      logs: new SessionLogs({ dataDir, settings, openPath: async () => undefined, now: () => second }),
    });
    const [a, b] = await Promise.all([
      node({ enabled: true, environment: 'shop' }, sameSecond),
      node({ enabled: true, environment: 'shop' }, sameSecond),
    ]);
    const names = [a.log?.path, b.log?.path].map((p) => basename(p ?? '')).sort();
    expect(names).toEqual(['shop-518839-2026-05-01_14-03-22.log', 'shop-518839-2026-05-01_14-03-22_2.log']);
    await run(a.id, 'echo only-in-a\n', /^only-in-a\r?$/m, sameSecond);
    await run(b.id, 'echo only-in-b\n', /^only-in-b\r?$/m, sameSecond);
    await Promise.all([exit(a.id, sameSecond), exit(b.id, sameSecond)]);
    expect(readFileSync(a.log?.path ?? '', 'utf8')).toMatch(/^only-in-a$/m);
    expect(readFileSync(a.log?.path ?? '', 'utf8')).not.toMatch(/only-in-b$/m);
    expect(readFileSync(b.log?.path ?? '', 'utf8')).toMatch(/^only-in-b$/m);
  });

  it('starts and stops a log on an open terminal, and goes on in the same file after a reconnect', async () => {
    const events: TerminalEvents['log'][] = [];
    const stop = terminals.events.on('log', (event) => events.push(event));
    const first = await node({ enabled: false });
    expect(first.log).toBeUndefined();
    await run(first.id, 'echo before-the-log\n', /^before-the-log\r?$/m);
    const { path } = await terminals.startLog(first.id);
    expect(basename(path)).toMatch(new RegExp(`^518839-${STAMP}(_\\d+)?\\.log$`));
    await run(first.id, 'echo while-logging\n', /^while-logging\r?$/m);
    await terminals.stopLog(first.id);
    await run(first.id, 'echo after-the-log\n', /^after-the-log\r?$/m);
    await exit(first.id);
    expect(events.filter((e) => e.id === first.id)).toEqual([
      { id: first.id, path },
      { id: first.id, path: null },
    ]);

    // The tab's next session (a reconnect) goes on in that file.
    const second = await node({ enabled: true, continues: path });
    expect(second.log).toEqual({ path });
    await run(second.id, 'echo after-the-reconnect\n', /^after-the-reconnect\r?$/m);
    await exit(second.id);
    stop();
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^while-logging$/m);
    expect(text).toMatch(/^\[Reconnected \d{4}-\d\d-\d\d [\d:]{8} [+-][\d:]{5}\]$/m);
    expect(text).toMatch(/^after-the-reconnect$/m);
    expect(text).not.toMatch(/^(before-the-log|after-the-log)$/m);
  });

  it('never writes to a file this core did not start, whatever the page names', async () => {
    const stranger = join(dataDir, 'not-a-log.txt');
    writeFileSync(stranger, 'untouched\n');
    const { id, log } = await node({ enabled: true, continues: stranger });
    expect(log?.path).not.toBe(stranger);
    expect(dirname(log?.path ?? '')).toBe(join(dataDir, 'session-logs'));
    await exit(id);
    expect(readFileSync(stranger, 'utf8')).toBe('untouched\n');
  });

  it('opens the terminal all the same when the log folder cannot be used, and says why', async () => {
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    await settings.update({ terminal: { logFolder: file } });
    try {
      const { id, log } = await node({ enabled: true });
      expect(log).toEqual({
        path: null,
        error: `Cannot write session logs to ${file}: it is a file, not a folder. Choose another log folder in Settings → Terminal, or make this one writable.`,
      });
      await run(id, 'echo still-works\n', /^still-works\r?$/m);
      await expect(terminals.startLog(id)).rejects.toThrow(/it is a file, not a folder/);
      await exit(id);
    } finally {
      await settings.update({ terminal: { logFolder: '' } });
    }
  });

  it('opens the log folder of the setting, making it first', async () => {
    const folder = join(dataDir, 'chosen', 'logs');
    await settings.update({ terminal: { logFolder: folder } });
    expect(await terminals.logFolder()).toEqual({ path: folder });
    expect(await terminals.openLogFolder()).toEqual({ path: folder });
    expect(opened.at(-1)).toBe(folder);
    expect(statSync(folder).isDirectory()).toBe(true);
    await settings.update({ terminal: { logFolder: '' } });
    expect(await terminals.logFolder()).toEqual({ path: join(dataDir, 'session-logs') });
  });
});

describe('session logs of local terminals', () => {
  it('names the file local-…, and logs the shell’s output', async () => {
    const logs = new SessionLogs({ dataDir, settings, openPath: async () => undefined });
    const local = new LocalTerminals({ logs, env: { ...process.env, SHELL: '/bin/sh', PS1: '$ ' } });
    const prompt = (id: string) => outputUntil(local, id, /\$ $/);
    const { id, log } = await local.open({ cols: 80, rows: 24, log: { enabled: true } });
    await prompt(id);
    expect(basename(log?.path ?? '')).toMatch(new RegExp(`^local-${STAMP}(_\\d+)?\\.log$`));
    await run(id, 'echo local-$((6*7))\n', /local-42/, local);
    await exit(id, local);
    const text = readFileSync(log?.path ?? '', 'utf8');
    expect(text).toMatch(/^\[Session log of a local shell, started /);
    expect(text).toMatch(/^local-42$/m);
  });

  it('removes the file it made for a session that could not start', async () => {
    const folder = join(dataDir, 'session-logs');
    const before = readdirSync(folder).sort();
    // node-pty throws when the program cannot start (on Windows, a missing file does this).
    const local = new LocalTerminals({
      logs: new SessionLogs({ dataDir, settings, openPath: async () => undefined }),
      spawn: () => {
        throw new Error('File not found: C:\\nope.exe');
      },
    });
    await expect(local.open({ cols: 80, rows: 24, log: { enabled: true } })).rejects.toThrow(/nope/);
    expect(readdirSync(folder).sort()).toEqual(before);
  });
});

describe('a log that cannot be written', () => {
  it('stops at the first failed write and says why, once', async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    class FullDisk extends SessionLogs {
      override async open(
        session: { subject: { parts: string[]; title: string }; columns: number },
        onFailed: (log: SessionLog, error: Error) => void,
      ) {
        const handle = await open('/dev/full', 'w');
        const file = {
          handle,
          path: '/dev/full',
          created: false,
          raw: false,
          now: () => new Date(),
          ...session,
        };
        const log: SessionLog = new SessionLog(file, (error) => onFailed(log, error));
        return log;
      }
    }
    const states: unknown[] = [];
    let failed: () => void = () => undefined;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const log = new TerminalLog(
      new FullDisk({ dataDir, settings, openPath: async () => undefined }),
      { subject: { parts: ['full'], title: 'a full disk' }, columns: 80 },
      (state) => {
        states.push(state);
        if (state.error) failed();
      },
    );
    expect(await log.start()).toEqual({ path: '/dev/full' });
    log.write(new TextEncoder().encode('one line\r\n'));
    await failure;
    log.write(new TextEncoder().encode('another\r\n'));
    await log.end();
    expect(states).toEqual([
      { path: '/dev/full' },
      { path: null, error: 'The session log /dev/full stopped: the disk is full.' },
    ]);
  });
});
