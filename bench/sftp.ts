/**
 * `npm run bench -- sftp`: through the sandbox gateway, the app's TransferEngine against OpenSSH's
 * `sftp` over the same path (upload and download of one file), and the app's SQL import against
 * `ssh NODEID-UID mysql shop < dump.sql`.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { SandboxReady } from '../gateway/src/sandbox/Sandbox.ts';
import { DatabaseService } from '../electron/core/databases/DatabaseService.ts';
import { GatewaySftp } from '../electron/core/ssh/GatewaySftp.ts';
import { TransferEngine } from '../electron/core/transfers/TransferEngine.ts';
import {
  benchConnections,
  gatewayAccount,
  median,
  randomFile,
  run,
  sha256File,
  startSandbox,
  timed,
} from './support.ts';

const MIB = 1 << 20;
const FILE_MIB = Number(process.env['BENCH_SFTP_MB'] ?? 512);
const DUMP_MB = Number(process.env['BENCH_SQL_MB'] ?? 100);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 5);
const SQL_REPEATS = Number(process.env['BENCH_SQL_REPEATS'] ?? 3);

async function writeDump(file: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write(
    'DROP TABLE IF EXISTS bench_rows;\nCREATE TABLE bench_rows (id INT PRIMARY KEY, note VARCHAR(200));\n',
  );
  let written = 0;
  let id = 0;
  while (written < targetBytes) {
    const values: string[] = [];
    for (let i = 0; i < 1000; i++, id++) values.push(`(${id},'row ${id} ${'x'.repeat(60)}')`);
    const line = `INSERT INTO bench_rows VALUES ${values.join(',')};\n`;
    written += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return id;
}

export async function sftpBenchmark(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bench-sftp-'));
  // The sandbox (with its gateway) in a process of its own, so the engine measured here does not
  // share an event loop with the relay it goes through.
  const sandbox = await startSandbox<SandboxReady>(['--api-port', '0', '--port', '0']);
  const connections = benchConnections(work);
  try {
    const gateway = sandbox.ready.gateway;
    if (!gateway) throw new Error('no gateway');
    const { pinned, sshOptions: sshArgs } = await gatewayAccount(sandbox.ready, work);
    const target = {
      gateway: { host: gateway.host, port: gateway.port },
      username: '518839-4856',
      pinned,
    };

    const source = join(work, 'payload.bin');
    await randomFile(source, FILE_MIB * MIB);
    const hash = await sha256File(source);
    // BENCH_CHUNK / BENCH_WINDOW try other request sizes and depths than the engine's defaults.
    const engine = new TransferEngine(new GatewaySftp(connections), {
      ...(process.env['BENCH_CHUNK'] ? { chunkSize: Number(process.env['BENCH_CHUNK']) } : {}),
      ...(process.env['BENCH_WINDOW'] ? { window: Number(process.env['BENCH_WINDOW']) } : {}),
    });
    const ours = { up: [] as number[], down: [] as number[] };
    const openssh = { up: [] as number[], down: [] as number[] };
    const back = join(work, 'back.bin');
    const batch = join(work, 'batch');
    const engineCopy = (direction: 'upload' | 'download') => async () => {
      const job = await engine[direction]({
        target,
        localPath: direction === 'upload' ? source : back,
        remotePath: 'bench.bin',
        conflict: 'overwrite',
      });
      await engine.wait(job.id);
    };
    const opensshCopy = (command: string) => async () => {
      await writeFile(batch, `${command}\n`);
      await run('sftp', [...sshArgs, '-P', String(gateway.port), '-b', batch, `518839-4856@${gateway.host}`]);
    };
    const checkBack = async (who: string) => {
      if ((await sha256File(back)) !== hash) throw new Error(`${who} download differs`);
      await rm(back);
    };
    for (let i = 0; i < REPEATS; i++) {
      // Each pair runs back to back, and who goes first alternates, so a machine that gets busier or
      // quieter during the run weighs on both sides alike. Downloads are checked outside the timing.
      const oursFirst = i % 2 === 0;
      const side = async (who: 'ours' | 'openssh', into: 'up' | 'down') => {
        const copy =
          who === 'ours'
            ? engineCopy(into === 'up' ? 'upload' : 'download')
            : opensshCopy(
                into === 'up' ? `put ${source} bench-openssh.bin` : `get bench-openssh.bin ${back}`,
              );
        (who === 'ours' ? ours : openssh)[into].push(await timed(copy));
        if (into === 'down') await checkBack(who === 'ours' ? 'TransferEngine' : 'OpenSSH');
      };
      for (const into of ['up', 'down'] as const) {
        await side(oursFirst ? 'ours' : 'openssh', into);
        await side(oursFirst ? 'openssh' : 'ours', into);
      }
      console.error(
        `bench sftp: round ${i + 1} ours ${ours.up.at(-1)}/${ours.down.at(-1)} ms, openssh ${openssh.up.at(-1)}/${openssh.down.at(-1)} ms`,
      );
    }
    const rate = (ms: number[]) => Math.round((FILE_MIB / (median(ms) / 1000)) * 10) / 10;

    // SQL: the same dump through the app's DatabaseService and through `ssh … mysql`.
    const dump = join(work, 'dump.sql');
    const rows = await writeDump(dump, DUMP_MB * 1e6);
    const db = sandbox.ready.database;
    if (!db) throw new Error('no database node');
    const credentials = { database: db.name, user: db.user, password: db.password };
    const databases = new DatabaseService({
      connections,
      secrets: { get: async () => null, set: async () => undefined, delete: async () => false },
    });
    const sqlOurs: number[] = [];
    const sqlOpenssh: number[] = [];
    for (let i = 0; i < SQL_REPEATS; i++) {
      sqlOurs.push(
        await timed(() =>
          databases.importSql({
            target: { ...target, username: '518840-4856' },
            nodeType: 'mariadb',
            file: dump,
            credentials,
          }),
        ),
      );
      sqlOpenssh.push(
        await timed(
          () =>
            new Promise<void>((resolve, reject) => {
              const ssh = spawn(
                'ssh',
                [
                  ...sshArgs,
                  '-p',
                  String(gateway.port),
                  `518840-4856@${gateway.host}`,
                  `MYSQL_PWD=${db.password} mysql -u ${db.user} ${db.name}`,
                ],
                {
                  stdio: ['pipe', 'ignore', 'inherit'],
                },
              );
              ssh.once('exit', (code) =>
                code === 0 ? resolve() : reject(new Error(`ssh mysql exited ${code}`)),
              );
              void readFile(dump).then((data) => ssh.stdin.end(data));
            }),
        ),
      );
      const count = Number(
        (
          await run('mariadb', [
            `--defaults-extra-file=${join(sandbox.ready.data, 'mariadb', 'client.cnf')}`,
            '-N',
            '-B',
            db.name,
            '-e',
            'SELECT COUNT(*) FROM bench_rows',
          ])
        ).stdout.trim(),
      );
      if (count !== rows) throw new Error(`imported ${count} rows, expected ${rows}`);
    }
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const paired = (theirs: number[], mine: number[]) => theirs.map((ms, i) => ms / (mine[i] ?? Infinity));
    return {
      benchmark: 'sftp',
      fileMiB: FILE_MIB,
      repeats: REPEATS,
      sqlRepeats: SQL_REPEATS,
      path: 'OpenSSH or TransferEngine → sandbox gateway (NODEID-UID) → node sshd',
      transferEngine: { uploadMiBs: rate(ours.up), downloadMiBs: rate(ours.down) },
      opensshSftp: { uploadMiBs: rate(openssh.up), downloadMiBs: rate(openssh.down) },
      sqlImport: {
        dumpMB: DUMP_MB,
        rows,
        oursMs: Math.round(median(sqlOurs)),
        opensshMysqlMs: Math.round(median(sqlOpenssh)),
      },
      // Each round's OpenSSH time over ours: the pairs ran back to back, so this is less swayed by the
      // machine's load changing during the run than the ratio of the medians.
      pairedRatioMedians: {
        uploadOursVsOpenssh: ratio(median(paired(openssh.up, ours.up)), 1),
        downloadOursVsOpenssh: ratio(median(paired(openssh.down, ours.down)), 1),
      },
      rounds: { oursMs: ours, opensshMs: openssh },
      ratios: {
        uploadOursVsOpenssh: ratio(rate(ours.up), rate(openssh.up)),
        downloadOursVsOpenssh: ratio(rate(ours.down), rate(openssh.down)),
        sqlImportTimeOursVsOpenssh: ratio(median(sqlOurs), median(sqlOpenssh)),
      },
      targets: {
        uploadOursVsOpenssh: '>= 1.0',
        downloadOursVsOpenssh: '>= 1.0',
        sqlImportTimeOursVsOpenssh: '<= 1.1',
      },
    };
  } finally {
    connections.closeAll();
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }
}
