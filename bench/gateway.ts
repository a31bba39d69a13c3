/**
 * `npm run bench -- gateway`: SFTP throughput, connect time and keystroke echo through
 * 1. our gateway (NODEID-UID) to a sandbox node, 2. an OpenSSH jump host (-J) to the same node — the
 * peer — and 3. direct to the node — the ceiling. The OpenSSH client is used on every path.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { median, randomFile, run, sha256File, startSandbox, timed } from './support.ts';

interface Ready {
  api: string;
  gateway: { host: string; port: number; hostKey: { sha256: string; md5: string } } | null;
  nodes: { id: number; host: string | null; port: number | null; user: string | null }[];
  data: string;
}

const MIB = 1 << 20;
const FILE_MIB = Number(process.env['BENCH_MB'] ?? 256);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const NODE = 518839;
const UID = 4856;

type PathName = 'gateway' | 'jump' | 'direct';
const PATHS: PathName[] = ['gateway', 'jump', 'direct'];

async function apiCall(api: string, path: string, params: Record<string, string>) {
  const response = await fetch(`${api}/1.0/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await response.json()) as { result: number; error?: string } & Record<string, unknown>;
  if (body.result !== 0) throw new Error(`${path}: ${body.error}`);
  return body;
}

/** A second sshd, the peer: an OpenSSH jump host that lets the user's key forward to the node. */
async function startJumpHost(dir: string, userPublicKey: string) {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'jump_host_key')]);
  await writeFile(join(dir, 'jump_authorized_keys'), userPublicKey);
  const { freePort } = await import('../gateway/src/sandbox/network.ts');
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'jump_host_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'jump_authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    `AllowUsers ${userInfo().username}`,
    'AllowTcpForwarding yes',
    'MaxStartups 100:30:200',
  ].join('\n');
  await writeFile(join(dir, 'jump_sshd_config'), config + '\n');
  const proc = spawn(
    '/usr/sbin/sshd',
    ['-D', '-f', join(dir, 'jump_sshd_config'), '-E', join(dir, 'jump.log')],
    {
      stdio: 'ignore',
    },
  );
  const { waitForGreeting, isSshBanner } = await import('../gateway/src/sandbox/network.ts');
  await waitForGreeting({ host: '127.0.0.1', port }, isSshBanner, {
    abort: new Promise((resolve) => proc.once('exit', (code) => resolve(`exit ${code}`))),
    timeoutMs: 10_000,
    what: 'jump host sshd',
  });
  const hostKey = (await readFile(join(dir, 'jump_host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
  return { port, hostKey, stop: () => proc.kill('SIGTERM') };
}

/** The gateway's host key, read off the wire and checked against the fingerprint the sandbox printed. */
async function gatewayHostKey(host: string, port: number, expectedSha256: string): Promise<string> {
  const { stdout } = await run('ssh-keyscan', ['-p', String(port), '-t', 'rsa', host]);
  const line = stdout.split('\n').find((l) => l.includes('ssh-rsa'));
  if (!line) throw new Error('ssh-keyscan found no RSA host key on the gateway');
  const key = line.split(' ').slice(1, 3).join(' ');
  const { stdout: print } = await run('sh', ['-c', `echo '${key}' | ssh-keygen -l -E sha256 -f -`]);
  if (!print.includes(expectedSha256)) throw new Error(`gateway host key ${print} is not ${expectedSha256}`);
  return key;
}

/** Time until a typed character comes back through a pty on the node, median of many. */
function echoRoundTrip(config: string, host: PathName, samples = 30): Promise<number> {
  return new Promise((resolve, reject) => {
    const ssh = spawn('ssh', ['-F', config, '-tt', host, 'echo READY; exec cat'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const times: number[] = [];
    let sentAt = 0n;
    let ready = false;
    let buffer = '';
    const send = () => {
      sentAt = process.hrtime.bigint();
      ssh.stdin.write('x');
    };
    ssh.stdout.on('data', (data: Buffer) => {
      buffer += data.toString();
      if (!ready) {
        if (buffer.includes('READY')) {
          ready = true;
          buffer = '';
          send();
        }
        return;
      }
      if (!buffer.includes('x')) return;
      times.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      buffer = '';
      if (times.length < samples) setTimeout(send, 20);
      else {
        ssh.kill('SIGTERM');
        resolve(median(times));
      }
    });
    ssh.once('exit', (code) => {
      if (times.length < samples) reject(new Error(`echo test on ${host} ended early (exit ${code})`));
    });
  });
}

export async function gatewayBenchmark(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bench-gateway-'));
  const sandbox = await startSandbox<Ready>(['--api-port', '0', '--port', '0']);
  let jump: Awaited<ReturnType<typeof startJumpHost>> | undefined;
  try {
    const { ready } = sandbox;
    if (!ready.gateway) throw new Error('the sandbox started no gateway');
    const node = ready.nodes.find((n) => n.id === NODE);
    if (!node?.port) throw new Error(`node ${NODE} is not running`);

    // The user's key (RSA, as the real gateway requires), put on the dashboard through the API.
    const userKey = join(work, 'user_rsa');
    await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', userKey]);
    const userPublic = await readFile(`${userKey}.pub`, 'utf8');
    const { session } = await apiCall(ready.api, 'users/authentication/rest/signin', {
      login: 'demo@sandbox.local',
      password: 'demo',
    });
    await apiCall(ready.api, 'management/account/rest/addsshkey', {
      session: String(session),
      title: 'bench',
      sshKey: userPublic,
    });

    jump = await startJumpHost(work, userPublic);
    const nodeKey = join(ready.data, 'gateway', 'node_access_ed25519');
    const nodeHostKey = (
      await readFile(join(ready.data, 'nodes', String(NODE), 'etc', 'ssh_host_ed25519_key.pub'), 'utf8')
    )
      .split(' ')
      .slice(0, 2)
      .join(' ');
    const gwKey = await gatewayHostKey(ready.gateway.host, ready.gateway.port, ready.gateway.hostKey.sha256);
    const knownHosts = join(work, 'known_hosts');
    await writeFile(
      knownHosts,
      [
        `[127.0.0.1]:${ready.gateway.port} ${gwKey}`,
        `[127.0.0.1]:${jump.port} ${jump.hostKey}`,
        `[127.0.0.1]:${node.port} ${nodeHostKey}`,
      ].join('\n') + '\n',
    );
    // The node's own user: apache when the sandbox runs as root (isolated nodes).
    const me = node.user ?? userInfo().username;
    const common = [
      '  HostName 127.0.0.1',
      `  UserKnownHostsFile ${knownHosts}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  IdentitiesOnly yes',
      '  LogLevel ERROR',
    ];
    const config = join(work, 'ssh_config');
    await writeFile(
      config,
      [
        'Host gateway',
        `  Port ${ready.gateway.port}`,
        `  User ${NODE}-${UID}`,
        `  IdentityFile ${userKey}`,
        ...common,
        'Host jumphost',
        `  Port ${jump.port}`,
        `  User ${me}`,
        `  IdentityFile ${userKey}`,
        ...common,
        'Host jump',
        `  Port ${node.port}`,
        `  User ${me}`,
        `  IdentityFile ${nodeKey}`,
        '  ProxyJump jumphost',
        ...common,
        'Host direct',
        `  Port ${node.port}`,
        `  User ${me}`,
        `  IdentityFile ${nodeKey}`,
        ...common,
      ].join('\n') + '\n',
    );

    const source = join(work, 'payload.bin');
    await randomFile(source, FILE_MIB * MIB);
    const sourceHash = await sha256File(source);
    const results: Record<
      PathName,
      { uploadMiBs: number; downloadMiBs: number; connectMs: number; echoMs: number }
    > = {} as never;

    for (const path of PATHS) {
      const sftp = async (command: string) => {
        const batch = join(work, `batch-${path}`);
        await writeFile(batch, command + '\n');
        await run('sftp', ['-F', config, '-b', batch, path], { maxBuffer: 1 << 20 });
      };
      const up: number[] = [];
      const down: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        up.push(await timed(() => sftp(`put ${source} bench-${path}.bin`)));
        const back = join(work, `back-${path}.bin`);
        down.push(await timed(() => sftp(`get bench-${path}.bin ${back}`)));
        if ((await sha256File(back)) !== sourceHash) throw new Error(`${path}: downloaded file differs`);
        await rm(back);
      }
      const connect: number[] = [];
      for (let i = 0; i < 10; i++) connect.push(await timed(() => run('ssh', ['-F', config, path, 'true'])));
      results[path] = {
        uploadMiBs: FILE_MIB / (median(up) / 1000),
        downloadMiBs: FILE_MIB / (median(down) / 1000),
        connectMs: median(connect),
        echoMs: await echoRoundTrip(config, path),
      };
      await run('ssh', ['-F', config, path, `rm -f bench-${path}.bin`]);
      console.error(`bench gateway: ${path} ${JSON.stringify(results[path])}`);
    }

    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      benchmark: 'gateway',
      fileMiB: FILE_MIB,
      repeats: REPEATS,
      paths: results,
      ratios: {
        uploadGatewayVsJump: ratio(results.gateway.uploadMiBs, results.jump.uploadMiBs),
        downloadGatewayVsJump: ratio(results.gateway.downloadMiBs, results.jump.downloadMiBs),
        connectGatewayVsJump: ratio(results.gateway.connectMs, results.jump.connectMs),
        echoGatewayVsJump: ratio(results.gateway.echoMs, results.jump.echoMs),
        uploadGatewayVsDirect: ratio(results.gateway.uploadMiBs, results.direct.uploadMiBs),
        downloadGatewayVsDirect: ratio(results.gateway.downloadMiBs, results.direct.downloadMiBs),
      },
      targets: {
        uploadGatewayVsJump: '>= 0.9',
        downloadGatewayVsJump: '>= 0.9',
        connectGatewayVsJump: '<= 1.5',
      },
    };
  } finally {
    jump?.stop();
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }
}
