/**
 * `npm run bench -- files`: many small files through the sandbox gateway. 5,000 files of 1–64 KiB in
 * nested folders (a PHP site, `vendor/`, `node_modules`), uploaded and downloaded by the app's
 * TransferEngine in-process, by the app's CLI as a user runs it (`node bin/enscale-ssh.js put/get`, its
 * start included), by OpenSSH `sftp -r`, `scp -r` and `rsync -a` (a first copy). Every copy is checked
 * (file count and a digest of every path and its bytes) outside the timing. Then the browser host's
 * staging of the same files — one request per file as the page sent them before issue 20, and the
 * batches it sends now — against the engine's upload of the staged folder.
 */
import { createCipheriv } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { SandboxReady } from '../gateway/src/sandbox/Sandbox.ts';
import { commandsOver } from '../electron/core/exec/RemoteCommands.ts';
import { GatewaySftp } from '../electron/core/ssh/GatewaySftp.ts';
import { TransferEngine } from '../electron/core/transfers/TransferEngine.ts';
import { WebHost } from '../electron/webhost/WebHost.ts';
import {
  benchConnections,
  gatewayAccount,
  platformUseArgs,
  median,
  run,
  startSandbox,
  timed,
} from './support.ts';

const FILES = Number(process.env['BENCH_FILES'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_FILES_ROUNDS'] ?? 3);
/** `BENCH_FILES_TOOLS=engine,engineSftp,rsync` times only those; `BENCH_FILES_DOWNLOAD=0` uploads only. */
const ONLY = process.env['BENCH_FILES_TOOLS']?.split(',');
const DOWNLOADS = process.env['BENCH_FILES_DOWNLOAD'] !== '0';
/** `BENCH_FILES_CPU_PROF=DIR` writes a CPU profile of each in-process engine upload there (for DevTools). */
const CPU_PROF = process.env['BENCH_FILES_CPU_PROF'];
const NODE = '518839';
const USER = `${NODE}-4856`;
/**
 * `engine` is the app's engine as the app now builds it, a new folder going up as one tar stream over
 * an exec channel (folderStream.ts); `engineSftp` the same engine without exec channels, file by file
 * over SFTP as before (uploads only: downloads are the same code for both).
 */
const TOOLS = ['engine', 'engineSftp', 'cli', 'sftp', 'scp', 'rsync'] as const;
type Tool = (typeof TOOLS)[number];
type DownTool = Exclude<Tool, 'engineSftp'>;

/**
 * The tree: 25 top-level folders × 4 sub-folders × 2 levels below, files spread over all of them,
 * sizes 1–64 KiB uniform (mean 32.5 KiB: 5,000 files ≈ 159 MiB). Contents are an AES-CTR key stream
 * (incompressible, so ssh's compression settings or rsync's cannot flatter anyone), all from one seed.
 */
async function writeTree(root: string, count: number): Promise<{ bytes: number; folders: number }> {
  const stream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const folders = new Set<string>();
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const top = `pkg-${String(i % 25).padStart(2, '0')}`;
    const mid = `src-${Math.floor(i / 25) % 4}`;
    const leaf = `mod-${Math.floor(i / 100) % 10}`;
    const dir =
      i % 7 === 0 ? join(root, top) : i % 3 === 0 ? join(root, top, mid) : join(root, top, mid, leaf);
    if (!folders.has(dir)) {
      await mkdir(dir, { recursive: true });
      folders.add(dir);
    }
    const size = 1024 + Math.floor(next() * 63 * 1024);
    bytes += size;
    await writeFile(join(dir, `file-${i}.php`), stream.update(Buffer.alloc(size)));
  }
  return { bytes, folders: folders.size };
}

/** `COUNT DIGEST` of a folder: the sha256 of `sha256sum` over every file, paths sorted byte-wise. */
const DIGEST_SCRIPT =
  'n=$(find . -type f | wc -l); d=$(find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum); echo "$n ${d%% *}"';

async function localDigest(dir: string): Promise<string> {
  return (await run('sh', ['-c', DIGEST_SCRIPT], { cwd: dir, maxBuffer: 1 << 20 })).stdout.trim();
}

/** Files the webhost's staging would see, as the page lists them: paths relative to the dropped folder. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(root, path).split('\\').join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

export async function filesBenchmark(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bench-files-'));
  const loadBefore = loadavg();
  const sandbox = await startSandbox<SandboxReady>(['--api-port', '0', '--port', '0']);
  const connections = benchConnections(work);
  try {
    const gateway = sandbox.ready.gateway;
    if (!gateway) throw new Error('no gateway');
    const { key, pinned, sshOptions } = await gatewayAccount(sandbox.ready, work);
    const target = { gateway: { host: gateway.host, port: gateway.port }, username: USER, pinned };
    const remote = `${USER}@${gateway.host}`;
    const ssh = (command: string) =>
      run('ssh', [...sshOptions, '-p', String(gateway.port), remote, command], { maxBuffer: 1 << 20 });
    const remoteDigest = async (dir: string) => (await ssh(`cd ${dir} && ${DIGEST_SCRIPT}`)).stdout.trim();
    const hasRsync = await ssh('command -v rsync').then(
      () => true,
      () => false,
    );

    // The CLI as a user sets it up for a script: the platform once, then a token and a key per run.
    const profile = join(work, 'cli-profile');
    const cliBin = join(import.meta.dirname, '..', 'bin', 'enscale-ssh.js');
    const cli = (args: string[]) =>
      run(process.execPath, [cliBin, '--profile', profile, ...args], {
        env: { ...process.env, ENSCALE_SSH_TOKEN: sandbox.ready.tokens[0]?.token ?? '' },
        maxBuffer: 16 << 20,
      });
    await cli(platformUseArgs(sandbox.ready));

    // As after `npm install`: the CLI's bundle is built before the first timed run, not in it.
    await cli(['--help']);
    const source = join(work, 'site');
    const tree = await writeTree(source, FILES);
    const expected = await localDigest(source);
    const engine = new TransferEngine(new GatewaySftp(connections), { commands: commandsOver(connections) });
    const engineSftp = new TransferEngine(new GatewaySftp(connections));
    const batchFile = join(work, 'batch');
    const sftpBatch = async (line: string) => {
      await writeFile(batchFile, `${line}\n`);
      await run('sftp', [...sshOptions, '-P', String(gateway.port), '-b', batchFile, remote]);
    };
    const rsyncShell = `ssh ${sshOptions.join(' ')} -p ${gateway.port}`;
    const up: Record<Tool, (dest: string) => Promise<unknown>> = {
      engine: async (dest) =>
        engine.wait((await engine.upload({ target, localPath: source, remotePath: dest })).id),
      engineSftp: async (dest) =>
        engineSftp.wait((await engineSftp.upload({ target, localPath: source, remotePath: dest })).id),
      cli: (dest) => cli(['--identity', key, 'put', NODE, source, dest]),
      sftp: (dest) => sftpBatch(`put -r ${source} ${dest}`),
      scp: (dest) =>
        run('scp', [...sshOptions, '-q', '-r', '-P', String(gateway.port), source, `${remote}:${dest}`]),
      rsync: (dest) => run('rsync', ['-a', '-e', rsyncShell, `${source}/`, `${remote}:${dest}/`]),
    };
    const down: Record<DownTool, (from: string, dest: string) => Promise<unknown>> = {
      engine: async (from, dest) =>
        engine.wait((await engine.download({ target, localPath: dest, remotePath: from })).id),
      cli: (from, dest) => cli(['--identity', key, 'get', NODE, from, dest]),
      sftp: (from, dest) => sftpBatch(`get -r ${from} ${dest}`),
      scp: (from, dest) =>
        run('scp', [...sshOptions, '-q', '-r', '-P', String(gateway.port), `${remote}:${from}`, dest]),
      rsync: (from, dest) => run('rsync', ['-a', '-e', rsyncShell, `${remote}:${from}/`, `${dest}/`]),
    };
    const tools = TOOLS.filter((tool) => (tool !== 'rsync' || hasRsync) && (!ONLY || ONLY.includes(tool)));
    const downTools = tools.filter((tool): tool is DownTool => DOWNLOADS && tool !== 'engineSftp');

    // The folder every download starts from, put there once by OpenSSH and checked.
    await ssh('rm -rf bench-files && mkdir bench-files');
    await sftpBatch(`put -r ${source} bench-files/src`);
    if ((await remoteDigest('bench-files/src')) !== expected) throw new Error('the download source differs');

    const times = {
      up: Object.fromEntries(tools.map((tool) => [tool, [] as number[]])) as Record<Tool, number[]>,
      down: Object.fromEntries(downTools.map((tool) => [tool, [] as number[]])) as Record<Tool, number[]>,
    };
    // The in-process engine's own CPU (this process) per upload: less at the mercy of the machine's
    // load than its wall-clock time, and comparable between the stream and the SFTP path.
    const engineCpuMs = { engine: [] as number[], engineSftp: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Who goes first rotates each round, so a machine getting busier or quieter weighs on all alike.
      const order = tools.map((_, i) => tools[(i + round) % tools.length] as Tool);
      for (const tool of order) {
        const dest = `bench-files/up-${tool}`;
        await ssh(`rm -rf ${dest}`);
        const profiler = CPU_PROF && tool.startsWith('engine') ? await startProfile() : undefined;
        const cpu = process.cpuUsage();
        times.up[tool].push(await timed(() => up[tool](dest)));
        const used = process.cpuUsage(cpu);
        await profiler?.(join(CPU_PROF ?? '', `${tool}-up-${round + 1}.cpuprofile`));
        if (tool === 'engine' || tool === 'engineSftp')
          engineCpuMs[tool].push((used.user + used.system) / 1000);
        const got = await remoteDigest(dest);
        if (got !== expected) throw new Error(`${tool} upload differs: ${got} vs ${expected}`);
      }
      for (const tool of downTools.map((_, i) => downTools[(i + round) % downTools.length] as DownTool)) {
        const dest = join(work, `down-${tool}`);
        await rm(dest, { recursive: true, force: true });
        times.down[tool].push(await timed(() => down[tool]('bench-files/src', dest)));
        const got = await localDigest(dest);
        if (got !== expected) throw new Error(`${tool} download differs: ${got} vs ${expected}`);
        await rm(dest, { recursive: true, force: true });
      }
      console.error(
        `bench files: round ${round + 1} up ${tools.map((t) => `${t} ${Math.round(times.up[t].at(-1) ?? 0)}`).join(', ')} ms; down ${downTools.map((t) => `${t} ${Math.round(times.down[t].at(-1) ?? 0)}`).join(', ')} ms`,
      );
    }

    // BENCH_FILES_STAGING=0 leaves the browser host's part out.
    const staging =
      process.env['BENCH_FILES_STAGING'] === '0'
        ? undefined
        : await stagingBenchmark(work, source, expected, engine, target);
    await ssh('rm -rf bench-files');

    const ms = (list: number[]) => Math.round(median(list));
    const ratio = (peer: number[], ours: number[]) => Math.round((median(peer) / median(ours)) * 100) / 100;
    const ratios: Record<string, number> = {};
    const ran = (way: 'up' | 'down', tool: Tool) =>
      (way === 'up' ? tools : downTools).some((t) => t === tool);
    for (const ours of ['engine', 'engineSftp', 'cli'] as const)
      for (const peer of tools.filter((tool) => !['engine', 'engineSftp', 'cli'].includes(tool)))
        for (const way of ['up', 'down'] as const) {
          if (!ran(way, ours) || !ran(way, peer)) continue;
          ratios[`${way === 'up' ? 'upload' : 'download'}_${ours}_vs_${peer}`] = ratio(
            times[way][peer],
            times[way][ours],
          );
        }
    if (ran('up', 'engine') && ran('up', 'engineSftp'))
      ratios['upload_engine_vs_engineSftp'] = ratio(times.up.engineSftp, times.up.engine);
    return {
      benchmark: 'files',
      files: FILES,
      folders: tree.folders,
      mib: Math.round((tree.bytes / 2 ** 20) * 10) / 10,
      rounds: ROUNDS,
      path: 'each tool → sandbox gateway (NODEID-UID) → node sshd; the CLI start included',
      rsyncOnNode: hasRsync,
      medianMs: {
        upload: Object.fromEntries(tools.map((tool) => [tool, ms(times.up[tool])])),
        download: Object.fromEntries(downTools.map((tool) => [tool, ms(times.down[tool])])),
      },
      // The peer's time over ours: above 1 means ours is faster.
      ratios,
      targets: { vsSftp: '>= 1.5', vsRsync: '>= 1.0' },
      staging,
      roundsMs: times,
      engineUploadCpuMs: engineCpuMs,
      loadavg: { before: loadBefore, after: loadavg() },
    };
  } finally {
    connections.closeAll();
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The browser host's staging, driven over HTTP as the page drives it (Node's fetch standing in for
 * Chromium's): one POST per file as before issue 20, and batches of files in one POST as the page
 * sends them now; then the engine's upload of the staged folder, which is what follows in the app.
 */
async function stagingBenchmark(
  work: string,
  source: string,
  expected: string,
  engine: TransferEngine,
  target: Parameters<TransferEngine['upload']>[0]['target'],
): Promise<Record<string, unknown>> {
  const web = await WebHost.start({
    services: {},
    staticDir: work,
    port: 0,
    stagingDir: join(work, 'staging'),
  });
  try {
    const names = await listFiles(source);
    const headers = { 'X-Enscale-Token': web.token, Origin: web.origin };
    const check = async (root: string) => {
      const got = await localDigest(join(root, 'site'));
      if (got !== expected) throw new Error(`staged copy differs: ${got}`);
    };
    const clear = (batch: string) =>
      fetch(`${web.origin}/stage?batch=${batch}`, { method: 'DELETE', headers }).then((r) => r.arrayBuffer());

    const perFileBatch = 'bench-per-file-0001';
    let root = '';
    const perFileMs = await timed(async () => {
      for (const name of names) {
        const response = await fetch(
          `${web.origin}/stage?batch=${perFileBatch}&name=${encodeURIComponent(`site/${name}`)}`,
          { method: 'POST', headers, body: await readFile(join(source, name)) },
        );
        root = ((await response.json()) as { root: string }).root;
      }
    });
    await check(root);
    await clear(perFileBatch);

    const batched = 'bench-batched-0001';
    const { stageBatches } = await import('../renderer/src/host/stageBatches.ts');
    const files = await Promise.all(
      names.map(async (name) => ({
        relativePath: `site/${name}`,
        file: new Blob([await readFile(join(source, name))]),
      })),
    );
    const batchedMs = await timed(async () => {
      root = await stageBatches(web.origin, web.token, batched, files, () => undefined, headers);
    });
    await check(root);
    const uploadMs = await timed(async () =>
      engine.wait(
        (await engine.upload({ target, localPath: join(root, 'site'), remotePath: 'bench-files/up-staged' }))
          .id,
      ),
    );
    await clear(batched);
    return {
      how: 'HTTP to the browser host from Node fetch (the page’s requests); then TransferEngine upload of the staged folder',
      perFileRequestsMs: Math.round(perFileMs),
      batchedRequestsMs: Math.round(batchedMs),
      uploadOfStagedMs: Math.round(uploadMs),
      batchedStagingOverUpload: Math.round((batchedMs / uploadMs) * 100) / 100,
    };
  } finally {
    await web.close();
  }
}

/** Starts V8's sampling profiler in this process; the function returned stops it and writes the profile. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(profile));
  };
}
