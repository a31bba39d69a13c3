import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../electron/core/platform/PlatformClient.ts';
import { GatewayConnections } from '../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../electron/core/ssh/GatewaySftp.ts';
import { HostKeys } from '../../electron/core/ssh/HostKeys.ts';
import { TerminalSessions } from '../../electron/core/terminals/TerminalSessions.ts';
import { partialName } from '../../electron/core/transfers/names.ts';
import { TransferEngine } from '../../electron/core/transfers/TransferEngine.ts';
import {
  TerminalConnection,
  type TerminalScreen,
  type TerminalStatus,
} from '../../renderer/src/terminal/TerminalConnection.ts';
import { TerminalHub } from '../../renderer/src/terminal/TerminalHub.ts';
import { connectionKey, type ConnectionEvents, type ConnectionTarget } from '../../shared/src/connections.ts';
import type { OpenTerminalRequest } from '../../shared/src/terminals.ts';
import { randomFile, sha256 } from '../core/transfers/transferTestKit.ts';
import { GatewayProcess } from './support/GatewayProcess.ts';

/**
 * The SSH gateway killed outright (SIGKILL) under load and started again — same port, same host keys,
 * same audit log — while the sandbox's nodes and API run on; then stopped cleanly (SIGTERM).
 *
 * The load goes through the app's own code: the core's GatewayConnections, TerminalSessions and
 * TransferEngine, and for the tabs the renderer's TerminalConnection (the class each terminal tab
 * uses, without React), which is where a tab's reconnection lives: the core ends a terminal whose link
 * dropped, with a reason, and the tab opens a new one with back-off. Beside the app, OpenSSH clients
 * (one long session, and short ones one after another) stand for the scripts that use the gateway.
 */
const UID = 4856;
const MiB = 1024 * 1024;
const UPLOAD = 96 * MiB;

/** xterm.js as the connection sees it: keeps the text, and has drawn each chunk at once. */
class Screen implements TerminalScreen {
  readonly cols = 120;
  readonly rows = 30;
  text = '';
  private readonly decoder = new TextDecoder();

  write(data: Uint8Array | string, drawn?: () => void): void {
    this.text += typeof data === 'string' ? data : this.decoder.decode(data, { stream: true });
    // Enough to find the latest lines; a screen keeps its scrollback, not everything ever printed.
    if (this.text.length > 256 * 1024) this.text = this.text.slice(-128 * 1024);
    drawn?.();
  }
}

interface Tab {
  name: string;
  screen: Screen;
  link: TerminalConnection<OpenTerminalRequest>;
  statuses: { at: number; status: TerminalStatus }[];
}

/** Polls until `check` holds. No time limit of its own: the test's hang guard ends a wait that never does. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A status the tab reached at or after `since`. */
const statusSince = (tab: Tab, since: number, state: TerminalStatus['state']) =>
  tab.statuses.find((entry) => entry.at >= since && entry.status.state === state)?.status;

interface AuditLine {
  ts: string;
  event: string;
  conn?: string;
  reason?: string;
  result?: string;
}

/** Every line of the audit log, each a whole JSON object — nothing less is accepted. */
function parseAuditLog(text: string): AuditLine[] {
  // The last line ends like every other: a line being written when the gateway died is whole or absent.
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      let event: { ts?: unknown; event?: unknown; conn?: unknown };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        throw new Error(`audit log line ${index + 1} is not JSON: ${JSON.stringify(line.slice(0, 300))}`);
      }
      expect(event.ts, `line ${index + 1}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['connect', 'refused', 'auth', 'channel', 'upstream', 'disconnect']).toContain(event.event);
      return event as AuditLine;
    });
}

/** An OpenSSH client through the gateway: its exit status and what it said. */
interface OpenSshRun {
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Output so far. */
  stdout(): string;
}

describe('the gateway killed and restarted under load', () => {
  let dir: string;
  let sandbox: Sandbox;
  let gateway: GatewayProcess;
  let port: number;
  let hostKey: string;
  let keyPath: string;
  let knownHosts: string;
  let connections: GatewayConnections;
  let terminals: TerminalSessions;
  let transfers: TransferEngine;
  let hub: TerminalHub<OpenTerminalRequest>;
  const tabs: Tab[] = [];
  const connectionStates: { at: number; event: ConnectionEvents['state'] }[] = [];
  /** Audit lines the killed gateway wrote: what follows is the restarted one's. */
  let linesOfFirstRun = 0;

  const auditPath = () => join(sandbox.dataDir, 'gateway', 'audit.log');
  const target = (username: string): ConnectionTarget => ({
    gateway: { host: '127.0.0.1', port },
    username,
    pinned: { keyType: 'ssh-rsa', sha256: hostKey },
  });

  function openTab(name: string, username: string): Tab {
    const screen = new Screen();
    const statuses: Tab['statuses'] = [];
    const link = new TerminalConnection(
      hub,
      (size) => ({ target: target(username), ...size }),
      screen,
      (s) => statuses.push({ at: Date.now(), status: s }),
    );
    const tab = { name, screen, link, statuses };
    tabs.push(tab);
    void link.open();
    return tab;
  }

  /** `ssh` (OpenSSH) to a node through the gateway, with the gateway's host key pinned. */
  function openSsh(nodeId: number, command: string): OpenSshRun {
    const child = spawn(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-i',
        keyPath,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-p',
        String(port),
        `${nodeId}-${UID}@127.0.0.1`,
        command,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return {
      exited: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))),
      stdout: () => stdout,
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-restart-'));
    // The platform (store, API, nodes) here; the gateway alone in a process of its own.
    sandbox = await Sandbox.start({ apiPort: 0 });
    gateway = await GatewayProcess.start(sandbox.dataDir, 0);
    port = gateway.port;
    hostKey = gateway.ready.gateway.hostKey.sha256;

    keyPath = join(dir, 'id_rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', keyPath]);
    const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
    const { session } = await platform.signIn('demo@sandbox.local', 'demo');
    await platform.addKey(session, 'gateway restart', readFileSync(`${keyPath}.pub`, 'utf8'));
    // OpenSSH pins the gateway's key it was given, as a user's known_hosts would.
    const gatewayKey = execFileSync('ssh-keygen', [
      '-y',
      '-f',
      join(sandbox.dataDir, 'gateway', 'hostkeys', 'ssh_host_ed25519_key'),
    ])
      .toString()
      .trim();
    knownHosts = join(dir, 'known_hosts_openssh');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${gatewayKey}\n`);

    const privateKey = readFileSync(keyPath, 'utf8');
    connections = new GatewayConnections({
      hostKeys: new HostKeys(join(dir, 'known_hosts')),
      identity: async () => [{ name: 'test key', privateKey }],
      interactive: false,
    });
    connections.events.on('state', (event) => connectionStates.push({ at: Date.now(), event }));
    terminals = new TerminalSessions(connections);
    hub = new TerminalHub(terminals);
    transfers = new TransferEngine(new GatewaySftp(connections));
  }, 180_000);

  afterAll(async () => {
    for (const tab of tabs) tab.link.close();
    connections?.closeAll();
    await gateway?.kill('SIGTERM');
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('gives every client a clean end, keeps every audit line whole, and reconnects tabs and transfer after a restart', async () => {
    // Four node tabs printing all the time (one 2,000 lines every 50 ms) and the gateway menu.
    const load: [string, number, string][] = [
      ['a', 518839, 'i=0; while :; do i=$((i+1)); echo "tick-a-$i"; sleep 0.05; done'],
      ['b', 518839, 'while :; do seq -f "fast-b-%g" 1 2000; sleep 0.05; done'],
      ['c', 518840, 'i=0; while :; do i=$((i+1)); echo "tick-c-$i"; sleep 0.05; done'],
      ['d', 518840, 'i=0; while :; do i=$((i+1)); echo "tick-d-$i"; sleep 0.05; done'],
    ];
    const nodeTabs = load.map(([name, node]) => openTab(name, `${node}-${UID}`));
    const menu = openTab('menu', String(UID));
    await until(() => tabs.every((tab) => tab.link.current.state === 'connected'));
    for (const [index, [, , command]] of load.entries()) nodeTabs[index]!.link.input(`${command}\r`);
    await until(() => /fast-b-2000/.test(nodeTabs[1]!.screen.text));
    for (const name of ['a', 'c', 'd']) {
      const tab = tabs.find((t) => t.name === name)!;
      await until(() => new RegExp(`tick-${name}-5\\b`).test(tab.screen.text));
    }
    await until(() => /Please select the required environment/.test(menu.screen.text));

    // Scripts beside the app: one long OpenSSH session, and short ones one after another, each one's
    // login, channel and goodbye a few audit lines — so lines are being written when the gateway dies.
    const longSsh = openSsh(518840, 'while :; do echo ssh-tick; sleep 0.1; done');
    await until(() => longSsh.stdout().includes('ssh-tick'));
    let killed = false;
    const shortRuns: { code: number | null; stderr: string }[] = [];
    const churn = (async () => {
      while (!killed) shortRuns.push(await openSsh(518839, 'true').exited);
    })();
    await until(() => shortRuns.length >= 2);
    expect(shortRuns.every((run) => run.code === 0)).toBe(true);

    // An upload, and the gateway killed a quarter of the way through it.
    const source = join(dir, 'restart.bin');
    await randomFile(source, UPLOAD);
    const expected = await sha256(source);
    const uploadTarget = target(`518839-${UID}`);
    const job = await transfers.upload({
      target: uploadTarget,
      localPath: source,
      remotePath: 'restart.bin',
      conflict: 'overwrite',
    });
    const uploadResult = transfers.wait(job.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    let killing: Promise<unknown> | undefined;
    let killedAt = 0;
    const stopWatching = transfers.events.on('progress', (p) => {
      if (p.id !== job.id || killing || p.bytes < UPLOAD / 4) return;
      killedAt = Date.now();
      killing = gateway.kill('SIGKILL');
    });
    await until(() => killing !== undefined);
    stopWatching();
    expect(await killing).toEqual({ code: null, signal: 'SIGKILL' });
    killed = true;

    // Every client hears of it, none hangs: each tab's session ends with a reason and the tab says it
    // will try again (nothing that needs the user), the upload fails, the OpenSSH clients exit 255.
    await until(() => tabs.every((tab) => statusSince(tab, killedAt, 'disconnected') !== undefined));
    for (const tab of tabs) {
      const status = statusSince(tab, killedAt, 'disconnected')!;
      expect(status.needsUser, tab.name).toBeUndefined();
      expect(status.retryAt, tab.name).toBeGreaterThan(killedAt);
      expect(status.message, tab.name).toMatch(/connection/i);
    }
    const failure = await uploadResult;
    expect(failure).toBeInstanceOf(Error);
    const [failed] = (await transfers.jobs()).filter((j) => j.id === job.id);
    expect(failed?.state).toBe('failed');
    console.info(`upload when the gateway died: ${failed?.error}`);
    expect(failed?.error).toMatch(/connection/i);
    const long = await longSsh.exited;
    expect(long.code).toBe(255);
    await churn;
    expect(shortRuns.every((run) => run.code === 0 || run.code === 255)).toBe(true);
    // The core's connections say so too (and keep trying while something uses them).
    for (const username of [`518839-${UID}`, `518840-${UID}`, String(UID)]) {
      const key = connectionKey(target(username));
      expect(
        connectionStates.some(
          ({ at, event }) => at >= killedAt && event.key === key && event.state === 'disconnected',
        ),
        key,
      ).toBe(true);
    }
    // Nothing under the final name; what was acknowledged is in the partial.
    const home = join(sandbox.dataDir, 'nodes', '518839', 'home');
    expect(existsSync(join(home, 'restart.bin'))).toBe(false);
    const kept = readFileSync(join(home, partialName('restart.bin'))).length;
    expect(kept).toBeGreaterThan(0);

    // The log as the killed gateway left it: whole lines only, the last one too.
    const leftAtKill = readFileSync(auditPath(), 'utf8');
    const linesAtKill = parseAuditLog(leftAtKill);
    // It holds the logins it saw: the app's three connections, the OpenSSH sessions.
    expect(linesAtKill.filter((e) => e.event === 'auth' && e.result === 'success').length).toBeGreaterThan(4);
    linesOfFirstRun = linesAtKill.length;

    // Back on the same port, with the same host keys and the same audit log.
    const restartedAt = Date.now();
    gateway = await GatewayProcess.start(sandbox.dataDir, port);
    expect(gateway.port).toBe(port);
    expect(gateway.ready.gateway.hostKey.sha256).toBe(hostKey);

    // The tabs reconnect by themselves (their back-off), each to a new shell on its node.
    await until(() => tabs.every((tab) => statusSince(tab, restartedAt, 'connected') !== undefined));
    for (const tab of nodeTabs) {
      const from = tab.screen.text.lastIndexOf('— reconnected —');
      expect(from, tab.name).toBeGreaterThanOrEqual(0);
      tab.link.input('echo after-$((6*7))\r');
      await until(() => /^after-42\r?$/m.test(tab.screen.text.slice(from)));
    }
    await until(() =>
      /Please select the required environment/.test(
        menu.screen.text.slice(menu.screen.text.lastIndexOf('— reconnected —')),
      ),
    );
    // OpenSSH, which pinned the key before, trusts the restarted gateway.
    expect((await openSsh(518839, 'echo again').exited).code).toBe(0);

    // The upload resumes from the partial and ends with the source's bytes.
    const retried = await transfers.retry(job.id);
    const done = await transfers.wait(retried.id);
    expect(done.state).toBe('done');
    expect(done.resumedFrom).toBeGreaterThan(0);
    expect(done.resumedFrom).toBeLessThanOrEqual(kept);
    expect(done.transferred).toBe(UPLOAD - done.resumedFrom);
    expect(await sha256(join(home, 'restart.bin'))).toBe(expected);

    // The log goes on after what the killed gateway wrote, which is unchanged, and still parses.
    const after = readFileSync(auditPath(), 'utf8');
    expect(after.startsWith(leftAtKill)).toBe(true);
    const appended = parseAuditLog(after).slice(linesAtKill.length);
    expect(appended.some((event) => event.event === 'connect')).toBe(true);
    console.info(
      `audit log: ${linesAtKill.length} lines when killed, ${appended.length} more since the restart; ` +
        `${shortRuns.length} short OpenSSH sessions, ${shortRuns.filter((r) => r.code === 255).length} cut off`,
    );
  }, 300_000);

  it('on SIGTERM says goodbye to every client and leaves a complete audit log', async () => {
    await until(() => tabs.every((tab) => tab.link.current.state === 'connected'));
    const longSsh = openSsh(518840, 'while :; do echo ssh-tick; sleep 0.1; done');
    await until(() => longSsh.stdout().includes('ssh-tick'));
    const before = readFileSync(auditPath(), 'utf8');

    const stoppedAt = Date.now();
    expect(await gateway.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    // A goodbye (SSH_MSG_DISCONNECT, "by application"), not a reset.
    const long = await longSsh.exited;
    expect(long.code).toBe(255);
    expect(long.stderr).toMatch(/Received disconnect from 127\.0\.0\.1 port \d+:11:/);
    await until(() => tabs.every((tab) => statusSince(tab, stoppedAt, 'disconnected') !== undefined));

    // Everything the gateway had to say is in the log by the time it exits: every connection of this
    // run that connected has its disconnect line, every channel its summary.
    const text = readFileSync(auditPath(), 'utf8');
    expect(text.startsWith(before)).toBe(true);
    const events = parseAuditLog(text);
    const sinceRestart = events.slice(linesOfFirstRun);
    const connected = new Set(sinceRestart.filter((e) => e.event === 'connect').map((e) => e.conn));
    const goodbyes = sinceRestart.filter((e) => e.event === 'disconnect');
    const disconnected = new Set(goodbyes.map((e) => e.conn));
    expect([...connected].filter((conn) => !disconnected.has(conn))).toEqual([]);
    // The app's three connections (two nodes, the menu) and the OpenSSH session were open at the stop.
    expect(goodbyes.filter((e) => e.reason === 'gateway shutting down').length).toBeGreaterThanOrEqual(4);
    const channels = sinceRestart.filter((e) => e.event === 'channel');
    // The five tabs' shells (four on nodes, the menu) and the long OpenSSH session, at least.
    expect(channels.length).toBeGreaterThanOrEqual(6);
  }, 300_000);
});
