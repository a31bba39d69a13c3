import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOG_APACHE,
  DEMO_UID,
  GatewayFixture,
  OTHER_UID,
  SHOP_APACHE,
  makeKey,
  exited,
  registerKey,
  until,
  type UserKey,
} from './helpers.ts';
import { AWAIT_SIZE, PtyClient, SHELL_PROMPT } from './ptyClient.ts';

const DIRECT = `${SHOP_APACHE}-${DEMO_UID}`;

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Everything a TCP server at the port sends before closing; '' when nothing listens yet. */
function readFrom(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(text));
  });
}

describe('direct mode (NODEID-UID) with real clients', () => {
  let fx: GatewayFixture;
  let key: UserKey;
  let otherKey: UserKey;
  let bigFile: string;
  let bigSha: string;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 3072);
    otherKey = makeKey(fx.tmp, 'other_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
    await registerKey(fx.store, OTHER_UID, otherKey.publicKey);
    bigFile = join(fx.tmp, 'big.bin');
    // 100 MB of random data, written in pieces to keep the test's own memory flat.
    const chunks: Buffer[] = [];
    for (let i = 0; i < 100; i++) chunks.push(randomBytes(1_000_000));
    writeFileSync(bigFile, Buffer.concat(chunks));
    bigSha = await sha256File(bigFile);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('runs a command with stdout, stderr and exit status kept apart', async () => {
    const result = await fx.processes.run('ssh', [
      ...fx.ssh(key, DIRECT),
      'echo to-out; echo to-err >&2; exit 3',
    ]);
    expect(result).toMatchObject({ stdout: 'to-out\n', stderr: 'to-err\n', code: 3 });
  });

  it('passes stdin through and delivers EOF to the node', async () => {
    const result = await fx.processes.run('ssh', [...fx.ssh(key, DIRECT), 'wc -c'], {
      input: 'x'.repeat(12345),
    });
    expect(result.stdout.trim()).toBe('12345');
    expect(result.code).toBe(0);
  });

  it('lands in the node’s own home and passes accepted environment variables', async () => {
    const result = await fx.processes.run('ssh', [
      ...fx.ssh(key, DIRECT, ['-o', 'SetEnv=LC_GATEWAY_TEST=relayed']),
      'pwd; echo "$LC_GATEWAY_TEST"',
    ]);
    expect(result.stdout).toBe(`${fx.nodeRemoteHome(SHOP_APACHE)}\nrelayed\n`);
  });

  it('gives an interactive shell with -tt, and its exit status', async () => {
    const result = await fx.processes.run('ssh', ['-tt', ...fx.ssh(key, DIRECT)], {
      input: 'echo "MARK-$((6*7))"; echo "term=$TERM"; exit 5\n',
    });
    expect(result.stdout).toContain('MARK-42');
    expect(result.code).toBe(5);
  });

  it('relays window changes of a direct terminal to the node', async () => {
    const term = PtyClient.start('ssh', ['-t', ...fx.ssh(key, DIRECT)], { rows: 40, cols: 120 }, (child) =>
      fx.processes.track(child),
    );
    await term.expect(SHELL_PROMPT);
    term.send('stty size\r');
    await term.expect('40 120');
    const at = term.mark();
    term.resize(33, 99);
    term.send(`${AWAIT_SIZE('33 99')}; exit 0\r`);
    await term.expect('RESIZED-33x99', at);
    expect(await term.exit).toBe(0);
  });

  it('relays a signal sent by the client to the node', async () => {
    const sshdLog = join(fx.sandbox.dataDir, 'logs', `sshd-${SHOP_APACHE}.log`);
    const code = await new Promise<number | null>((resolve, reject) => {
      const client = new ssh2.Client();
      client.on('error', reject);
      client.on('ready', () => {
        client.exec('echo started; sleep 2', (error, stream) => {
          if (error) return reject(error);
          stream.once('data', () => stream.signal('USR1'));
          stream.on('exit', (status: number | null) => {
            client.end();
            resolve(status);
          });
        });
      });
      client.connect({
        host: fx.address.host,
        port: fx.address.port,
        username: DIRECT,
        privateKey: readFileSync(key.privatePath),
        hostVerifier: (hostKey: Buffer) => fx.hostKeys.ed25519.publicKey.endsWith(hostKey.toString('base64')),
      });
    });
    expect(code).toBe(0);
    // The sandbox's nodes run every session through a ForceCommand, and sshd does not signal
    // forced-command sessions — but it logs that the request arrived, which is what is relayed.
    expect(readFileSync(sshdLog, 'utf8')).toContain('refusing to send signal USR1 to forced-command session');
  });

  it('relays a command killed by a signal as the node reports it', async () => {
    const viaGateway = await fx.processes.run('ssh', [...fx.ssh(key, DIRECT), 'kill -TERM $$']);
    expect(viaGateway.code).toBe(255);
    const audit = fx.auditEvents().filter((e) => e.event === 'channel' && e.command === 'kill -TERM $$');
    expect(audit.at(-1)).toMatchObject({ exitSignal: 'SIGTERM' });
  });

  it('puts and gets a 100 MB file with sftp, byte for byte', async () => {
    const down = join(fx.tmp, 'big.down');
    const result = await fx.processes.run(
      'sftp',
      [...fx.sshOptions(key), '-P', String(fx.address.port), '-b', '-', `${DIRECT}@127.0.0.1`],
      {
        input: 'put big.bin big.up\nget big.up big.down\n',
        cwd: fx.tmp,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await sha256File(join(fx.nodeHome(SHOP_APACHE), 'big.up'))).toBe(bigSha);
    expect(await sha256File(down)).toBe(bigSha);
    const channel = fx
      .auditEvents()
      .filter((e) => e.event === 'channel' && e.channel === 'sftp')
      .at(-1);
    expect(channel).toMatchObject({ uid: DEMO_UID, nodeId: SHOP_APACHE, mode: 'direct' });
    if (channel?.event !== 'channel') throw new Error('no sftp audit');
    expect(channel.bytesToNode).toBeGreaterThan(100_000_000);
    expect(channel.bytesFromNode).toBeGreaterThan(100_000_000);
  });

  it('copies with scp, over SFTP and over the legacy protocol', async () => {
    for (const [flag, name] of [
      [[], 'scp-sftp.bin'],
      [['-O'], 'scp-legacy.bin'],
    ] as const) {
      const up = await fx.processes.run('scp', [
        ...fx.sshOptions(key),
        ...flag,
        '-P',
        String(fx.address.port),
        bigFile,
        `${DIRECT}@127.0.0.1:${name}`,
      ]);
      expect(up.code, up.stderr).toBe(0);
      expect(await sha256File(join(fx.nodeHome(SHOP_APACHE), name))).toBe(bigSha);
    }
    const back = join(fx.tmp, 'scp.back');
    const down = await fx.processes.run('scp', [
      ...fx.sshOptions(key),
      '-O',
      '-P',
      String(fx.address.port),
      `${DIRECT}@127.0.0.1:scp-legacy.bin`,
      back,
    ]);
    expect(down.code, down.stderr).toBe(0);
    expect(await sha256File(back)).toBe(bigSha);
  });

  it('syncs with rsync, and resumes a partial copy with rsync', async () => {
    const rsh = `ssh ${fx.sshOptions(key).join(' ')} -p ${fx.address.port}`;
    const first = await fx.processes.run('rsync', [
      '-a',
      '-e',
      rsh,
      bigFile,
      `${DIRECT}@127.0.0.1:rsync.bin`,
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(await sha256File(join(fx.nodeHome(SHOP_APACHE), 'rsync.bin'))).toBe(bigSha);

    // Half the file is already there, as after an interrupted transfer; rsync must reuse it.
    const partial = join(fx.nodeHome(SHOP_APACHE), 'resumed.bin');
    writeFileSync(partial, readFileSync(bigFile).subarray(0, 50_000_000));
    const resumed = await fx.processes.run('rsync', [
      '--partial',
      '--stats',
      '--no-whole-file',
      '-e',
      rsh,
      bigFile,
      `${DIRECT}@127.0.0.1:resumed.bin`,
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const matched = /Matched data: ([\d,.]+) bytes/.exec(resumed.stdout)?.[1]?.replace(/[,.]/g, '');
    expect(Number(matched)).toBeGreaterThanOrEqual(40_000_000);
    expect(await sha256File(partial)).toBe(bigSha);
  });

  it('runs several channels at once on one connection', async () => {
    const control = join(fx.tmp, 'ctl');
    const master = fx.processes.spawn('ssh', ['-M', '-S', control, '-N', ...fx.ssh(key, DIRECT)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await until(() => existsSync(control), 'the ssh control socket');
    const viaMaster = (command: string) =>
      fx.processes.run('ssh', ['-S', control, ...fx.ssh(key, DIRECT), command]);
    const results = await Promise.all([
      viaMaster('sleep 1; echo one'),
      viaMaster('sleep 1; echo two >&2; exit 2'),
      viaMaster('head -c 5000000 /dev/zero | wc -c'),
      fx.processes.run(
        'sftp',
        [
          '-o',
          `ControlPath=${control}`,
          ...fx.sshOptions(key),
          '-P',
          String(fx.address.port),
          '-b',
          '-',
          `${DIRECT}@127.0.0.1`,
        ],
        { input: 'ls\n' },
      ),
    ]);
    expect(results[0]).toMatchObject({ stdout: 'one\n', code: 0 });
    expect(results[1]).toMatchObject({ stderr: 'two\n', code: 2 });
    expect(results[2]?.stdout.trim()).toBe('5000000');
    expect(results[3]?.code).toBe(0);
    const connections = new Set(
      fx
        .auditEvents()
        .filter(
          (e) =>
            e.event === 'channel' &&
            ['sleep 1; echo one', 'sleep 1; echo two >&2; exit 2'].includes(e.command ?? ''),
        )
        .map((e) => e.conn),
    );
    expect(connections.size).toBe(1);
    await fx.processes.run('ssh', ['-S', control, '-O', 'exit', ...fx.ssh(key, DIRECT)]);
    await exited(master);
  });

  it('forwards a port with ssh -L to a node-local service', async () => {
    const service: Server = createServer((socket) => socket.end('hello from the node side\n'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const servicePort = (service.address() as AddressInfo).port;
    const localPort = await freeLocalPort();
    const forward = fx.processes.spawn('ssh', [
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      '-L',
      `127.0.0.1:${localPort}:127.0.0.1:${servicePort}`,
      ...fx.ssh(key, DIRECT),
    ]);
    try {
      let reply = '';
      await until(async () => {
        reply = await readFrom(localPort);
        return reply !== '';
      }, 'the forwarded port');
      expect(reply).toBe('hello from the node side\n');
    } finally {
      forward.kill('SIGTERM');
      service.close();
    }
    const forwarded = () =>
      fx
        .auditEvents()
        .find(
          (e) =>
            e.event === 'channel' && e.channel === 'direct-tcpip' && e.target === `127.0.0.1:${servicePort}`,
        );
    await until(() => forwarded() !== undefined, 'the forward in the audit log');
    expect(forwarded()).toMatchObject({ bytesFromNode: 25, bytesToNode: 0 });
    expect(forwarded()).not.toHaveProperty('error');
  });

  it('passes the node’s “administratively prohibited” back when the node forbids forwarding', async () => {
    const result = await fx.processes.run('ssh', [
      '-v',
      '-o',
      'ExitOnForwardFailure=yes',
      '-W',
      '127.0.0.1:22',
      ...fx.ssh(otherKey, `${BLOG_APACHE}-${OTHER_UID}`),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/administratively prohibited/);
  });

  it('works with PuTTY: plink exec and psftp put', async () => {
    const ppk = join(fx.tmp, 'demo.ppk');
    const converted = await fx.processes.run('puttygen', [key.privatePath, '-O', 'private', '-o', ppk]);
    expect(converted.code, converted.stderr).toBe(0);
    const putty = ['-batch', '-P', String(fx.address.port), '-i', ppk, ...fx.puttyHostKeys()];
    const exec = await fx.processes.run('plink', [
      '-ssh',
      ...putty,
      `${DIRECT}@127.0.0.1`,
      'echo plink-out; echo plink-err >&2; exit 7',
    ]);
    expect(exec.stdout).toBe('plink-out\n');
    expect(exec.stderr).toContain('plink-err');
    expect(exec.code).toBe(7);

    const batch = join(fx.tmp, 'psftp.batch');
    writeFileSync(batch, 'put big.bin psftp.bin\n');
    const put = await fx.processes.run('psftp', [...putty, '-b', batch, `${DIRECT}@127.0.0.1`], {
      cwd: fx.tmp,
    });
    expect(put.code, put.stderr).toBe(0);
    expect(await sha256File(join(fx.nodeHome(SHOP_APACHE), 'psftp.bin'))).toBe(bigSha);
  });
});
