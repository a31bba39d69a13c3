import { RawSession, clientSocket } from '@enscale-ssh/ssh2-internals/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, SHOP_APACHE, makeKey, until, type UserKey } from '../ssh/helpers.ts';
import { runLimited } from './support/fuzzKit.ts';
import { Random, mib } from './support/random.ts';
import { SandboxProcess } from './support/SandboxProcess.ts';
import type { MemorySample } from './support/sandboxProtocol.ts';
import { exec, loggedIn, logout } from './support/sshClient.ts';

/**
 * Channel requests in orders no well-behaved client sends — exec before pty, window-change before
 * shell, the sftp subsystem twice, env after shell, data after EOF and after close, a second shell —
 * plus storms of window changes and env requests, unknown channel and global requests, and a client
 * that opens channels and never reads. Each time the connection (or at least the gateway) must go on
 * working, the gateway process must stay up, and its memory must come back near where it started.
 */
const SEED = 0x5eed_000a;
/**
 * 8 MiB where the run measured +0.2 MiB (figures on stdout): a leak of 420 bytes per bare session
 * (20,000 of them) crosses it. The sample follows two full collections.
 */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 160 * 1024 * 1024;
/**
 * The gateway's channel limit per connection here (64 by default), and how many channels the
 * never-reading client tries to open: the ones over the limit must be refused.
 */
const CHANNEL_LIMIT = 16;
const STALLED_CHANNELS = 20;

/** SSH_FXP_INIT, version 3: the first packet of every SFTP session. */
const SFTP_INIT = Buffer.from([0, 0, 0, 5, 1, 0, 0, 0, 3]);

describe('channel requests in odd orders', () => {
  let sandbox: SandboxProcess;
  let tmp: string;
  let key: UserKey;
  let baseline: MemorySample;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fuzz-channels-'));
    sandbox = await SandboxProcess.start({ maxChannelsPerConnection: CHANNEL_LIMIT });
    key = makeKey(tmp, 'demo_rsa', 'rsa', 2048);
    await sandbox.registerKey(DEMO_UID, key.publicKey);
    const warm = await connect();
    await exec(warm, 'true');
    await logout(warm);
    baseline = await sandbox.memory();
  });
  afterAll(async () => {
    console.info(`fuzzChannels figures: ${JSON.stringify(figures)}`);
    await sandbox?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const connect = (username = `${SHOP_APACHE}-${DEMO_UID}`) => loggedIn(sandbox, key.privatePath, username);

  /** The connection still carries a normal command after whatever was done on it. */
  async function stillWorks(client: ssh2.Client): Promise<void> {
    expect(await exec(client, 'echo alive')).toMatchObject({ code: 0, stdout: 'alive\n' });
  }

  it('runs exec before pty, and ignores the late pty', async () => {
    const client = await connect();
    const session = await RawSession.open(client);
    expect(await session.exec('tty; echo EXEC-DONE', true)).toBe(true);
    session.pty(30, 100);
    session.rawEof();
    await session.closed;
    expect(session.stdout).toContain('not a tty');
    expect(session.stdout).toContain('EXEC-DONE');
    expect(session.exit).toBe(0);
    await stillWorks(client);
    await logout(client);
  });

  it('keeps the last size from window changes sent before the pty and the shell', async () => {
    const client = await connect();
    const session = await RawSession.open(client);
    session.windowChange(10, 20);
    expect(await session.pty(30, 100, true)).toBe(true);
    session.windowChange(33, 111);
    expect(await session.shell(true)).toBe(true);
    session.channel.write('stty size; exit\n');
    await session.closed;
    expect(session.stdout).toContain('33 111');
    await stillWorks(client);
    await logout(client);
  });

  it('relays one sftp session when the subsystem is asked for twice on a channel', async () => {
    const client = await connect();
    const session = await RawSession.open(client);
    expect(await session.subsystem('sftp', true)).toBe(true);
    // ssh2's server neither starts nor answers a second start on a channel: no reply is awaited.
    session.subsystem('sftp');
    session.channel.write(SFTP_INIT);
    await until(() => session.stdout.length >= 9, 'the SFTP VERSION answer');
    // One VERSION packet (type 2) and nothing else: a second sftp-server would have answered too.
    const bytes = Buffer.from(session.stdout, 'latin1');
    const length = bytes.readUInt32BE(0);
    expect(bytes[4]).toBe(2);
    expect(bytes.length).toBe(4 + length);
    session.channel.end();
    await session.closed;
    await stillWorks(client);
    await logout(client);
  });

  it('ignores a second shell, an exec after the shell, env after the shell, and signals before it', async () => {
    const client = await connect();
    const session = await RawSession.open(client);
    session.signal('INT');
    session.signal('KILL');
    expect(await session.pty(24, 80, true)).toBe(true);
    expect(await session.shell(true)).toBe(true);
    session.shell();
    session.exec('touch should-not-exist');
    session.env('LANG', 'C');
    session.x11();
    session.agent();
    session.channel.write('echo SHELL-$((20+22)); exit\n');
    await session.closed;
    expect(session.stdout).toContain('SHELL-42');
    expect(readdirSync(sandbox.nodeHome(SHOP_APACHE))).not.toContain('should-not-exist');
    await stillWorks(client);
    await logout(client);
  });

  it('drops data sent after EOF and after close, and keeps serving the connection', async () => {
    const client = await connect();
    // Before the node is even reached, and once the relay runs: either way nothing after the EOF
    // reaches the node (ssh2 ends such a channel), and the connection goes on.
    for (const settle of [false, true]) {
      const afterEof = await RawSession.open(client);
      expect(await afterEof.exec('cat', true)).toBe(true);
      afterEof.rawData('before-eof\n');
      if (settle) await afterEof.waitFor('before-eof', 'the echo');
      afterEof.rawEof();
      afterEof.rawData('after-eof\n');
      await afterEof.closed;
      expect(afterEof.stdout).not.toContain('after-eof');
    }

    const afterClose = await RawSession.open(client);
    expect(await afterClose.exec('cat', true)).toBe(true);
    afterClose.rawData('before-close\n');
    await afterClose.waitFor('before-close', 'the echo');
    afterClose.rawClose();
    for (let i = 0; i < 100; i++) afterClose.rawData(`after-close-${i}\n`);
    afterClose.rawEof();
    afterClose.rawClose();
    await afterClose.closed;
    expect(afterClose.stdout).not.toContain('after-close');
    expect(sandbox.alive).toBe(true);
    await stillWorks(client);
    await logout(client);
  });

  it('survives 10,000 window changes with extreme sizes and 1,000 env requests', async () => {
    const random = new Random(SEED);
    const client = await connect();
    const session = await RawSession.open(client);
    let accepted = 0;
    for (let i = 0; i < 1_000; i++) {
      const name = random.pick([
        `LC_FUZZ_${i}`,
        `BAD NAME ${i}`,
        '',
        'PATH',
        'LD_PRELOAD',
        '9LIVES',
        'X'.repeat(200),
        `TZ`,
      ]);
      const value = random.chance(0.1) ? 'v'.repeat(random.between(4_000, 10_000)) : `value-${i}`;
      if (await session.env(name, value, true)) accepted++;
    }
    expect(await session.pty(24, 80, true)).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      session.windowChange(
        random.pick([0, 1, 24, 65_535, 0x7fffffff, 0xffffffff]),
        random.pick([0, 1, 80, 65_535, 0xffffffff]),
        random.int(0x100000000),
        random.int(0x100000000),
      );
    }
    session.windowChange(24, 80);
    expect(await session.shell(true)).toBe(true);
    session.windowChange(25, 81);
    for (let i = 0; i < 5_000; i++) session.windowChange(random.int(1000), random.int(1000));
    session.windowChange(27, 90);
    session.channel.write(
      'while [ "$(stty size)" != "27 90" ]; do sleep 0.05; done; echo "SIZE-$(stty size)"; exit\n',
    );
    await session.closed;
    expect(session.stdout).toContain('SIZE-27 90');
    // At most 64 variables are kept per session, whatever was sent (names only in the audit log).
    // The channel is audited once the gateway has finished with it, just after the client saw it close.
    const stormChannel = () =>
      sandbox
        .auditEvents()
        .find(
          (e) =>
            e.event === 'channel' &&
            e.channel === 'shell' &&
            (e.env ?? []).some((name) => name.startsWith('LC_FUZZ_')),
        );
    await until(() => stormChannel() !== undefined, 'the storm channel in the audit log');
    const audited = stormChannel();
    const kept = audited?.event === 'channel' ? (audited.env ?? []) : [];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(64);
    expect(JSON.stringify(audited)).not.toContain('value-');
    figures['storms'] = {
      envRequests: 1_000,
      envAccepted: accepted,
      envKept: kept.length,
      windowChanges: 15_002,
    };
    await stillWorks(client);
    await logout(client);
  });

  it('takes odd orders on a menu login too', async () => {
    const client = await connect(String(DEMO_UID));
    const execFirst = await RawSession.open(client);
    expect(await execFirst.exec('uptime', true)).toBe(true);
    execFirst.pty(24, 80);
    await execFirst.closed;
    expect(execFirst.stderr).toContain(`NODEID-${DEMO_UID}`);

    const twice = await RawSession.open(client);
    expect(await twice.subsystem('sftp', true)).toBe(true);
    twice.subsystem('sftp');
    await twice.closed;
    expect(twice.stderr).toContain(`NODEID-${DEMO_UID}`);

    const menu = await RawSession.open(client);
    menu.windowChange(5, 5);
    menu.env('LANG', 'C');
    expect(await menu.pty(40, 120, true)).toBe(true);
    expect(await menu.shell(true)).toBe(true);
    menu.env('LC_ALL', 'C');
    menu.exec('id');
    menu.signal('TERM');
    await menu.waitFor('Enter [0-4]: ', 'menu prompt');
    menu.channel.write('\x03');
    await menu.closed;
    expect(menu.stdout).toContain('Bye.');

    const noPty = await RawSession.open(client);
    expect(await noPty.shell(true)).toBe(true);
    noPty.pty(24, 80);
    await noPty.closed;
    expect(noPty.stderr).toContain('needs a terminal');
    await logout(client);
  });

  it('opens and closes 20,000 bare sessions on one connection without the gateway keeping them', async () => {
    const client = await connect();
    const before = await sandbox.memory();
    let refused = 0;
    await runLimited(Array.from({ length: 20_000 }), CHANNEL_LIMIT - 2, async () => {
      // Opened and closed by the client before any request: no shell, no exec, nothing to relay.
      const session = await RawSession.open(client).catch(() => undefined);
      if (!session) {
        refused++;
        return;
      }
      session.rawClose();
      await session.closed;
    });
    const during = await sandbox.memory();
    await stillWorks(client);
    await logout(client);
    figures['bareSessions'] = {
      sessions: 20_000,
      refused,
      heapGrowthWhileConnectedMiB: mib(during.heapUsed - before.heapUsed),
    };
    expect(refused).toBe(0);
    // Less than 100 bytes per session: nothing of them is kept while the connection lives on.
    expect(during.heapUsed - before.heapUsed).toBeLessThan(2 * 1024 * 1024);
  });

  it(`holds bounded memory for a client that opens ${STALLED_CHANNELS} channels and never reads`, async () => {
    const before = await sandbox.memory();
    const client = await connect();
    // Our own socket stops being read: ssh2 then never sees data, so it never grants more window.
    const socket = clientSocket(client);
    const opened: ssh2.ClientChannel[] = [];
    const refusals: string[] = [];
    for (let i = 0; i < STALLED_CHANNELS; i++) {
      const outcome = await new Promise<ssh2.ClientChannel | Error>((resolve) =>
        client.exec('cat /dev/zero', (error, channel) => resolve(error ?? channel)),
      );
      if (outcome instanceof Error) refusals.push(outcome.message);
      else opened.push(outcome);
    }
    // Over the limit: refused, with the reason, and the connection stays.
    expect(opened).toHaveLength(CHANNEL_LIMIT);
    expect(refusals).toHaveLength(STALLED_CHANNELS - CHANNEL_LIMIT);
    expect(refusals[0]).toContain(`too many channels open on this connection (${CHANNEL_LIMIT})`);
    socket.pause();
    // Let the gateway fill every window and buffer it can; sample it several times.
    let peak = before;
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sample = await sandbox.memory();
      if (sample.rss > peak.rss) peak = sample;
    }
    const stalledGrowth = peak.rss - before.rss;
    // A few channel windows (2 MiB each) per channel, and slack: bounded by the channel limit.
    expect(stalledGrowth).toBeLessThan(CHANNEL_LIMIT * 12 * 1024 * 1024 + 64 * 1024 * 1024);
    socket.destroy();
    await until(
      () =>
        sandbox.auditEvents().filter((e) => e.event === 'channel' && e.command === 'cat /dev/zero').length >=
        CHANNEL_LIMIT,
      'every stalled channel to be closed and audited',
    );
    const after = await sandbox.memory();
    figures['neverReads'] = {
      channels: STALLED_CHANNELS,
      refused: refusals.length,
      peakRssGrowthMiB: mib(stalledGrowth),
      peakBuffersMiB: mib(peak.arrayBuffers - before.arrayBuffers),
      perChannelMiB: mib(stalledGrowth / CHANNEL_LIMIT),
      buffersAfterCloseMiB: mib(after.arrayBuffers - before.arrayBuffers),
      rssAfterCloseMiB: mib(after.rss - before.rss),
    };
    // What the stalled channels held is released (RSS may stay high: the allocator keeps pages).
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
  });

  it('ends near the memory it started with, and still serves a normal client', async () => {
    const client = await connect();
    await stillWorks(client);
    await logout(client);
    expect(sandbox.alive).toBe(true);
    const after = await sandbox.memory();
    figures['total'] = {
      heapGrowthMiB: mib(after.heapUsed - baseline.heapUsed),
      buffersGrowthMiB: mib(after.arrayBuffers - baseline.arrayBuffers),
      rssGrowthMiB: mib(after.rss - baseline.rss),
      baselineRssMiB: mib(baseline.rss),
    };
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(after.arrayBuffers - baseline.arrayBuffers).toBeLessThan(HEAP_GROWTH_LIMIT);
    // The never-reading client's buffers were freed, but glibc may keep their pages: RSS gets room.
    expect(after.rss - baseline.rss).toBeLessThan(RSS_GROWTH_LIMIT + CHANNEL_LIMIT * 12 * 1024 * 1024);
  });
});
