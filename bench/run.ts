/**
 * `npm run bench -- NAME…`: runs the named benchmarks (all when none is named), prints a table and
 * writes each result as JSON to bench/results/NAME-DATE.json. Each result is a ratio against a peer
 * measured in the same run on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { cliBenchmark } from './cli.ts';
import { filesBenchmark } from './files.ts';
import { gatewayBenchmark } from './gateway.ts';
import { loadBenchmark } from './load.ts';
import { sftpBenchmark } from './sftp.ts';
import { terminalBenchmark } from './terminal.ts';

const BENCHMARKS: Record<string, () => Promise<Record<string, unknown>>> = {
  gateway: gatewayBenchmark,
  cli: cliBenchmark,
  sftp: sftpBenchmark,
  load: loadBenchmark,
  terminal: terminalBenchmark,
  files: filesBenchmark,
};

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const names = process.argv.slice(2);
const unknown = names.filter((name) => !BENCHMARKS[name]);
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const dir = join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
for (const name of names.length ? names : Object.keys(BENCHMARKS)) {
  const benchmark = BENCHMARKS[name];
  if (!benchmark) continue;
  const result = await benchmark();
  const record = {
    ...result,
    date: new Date().toISOString(),
    commit: commit(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    node: process.version,
  };
  const file = join(dir, `${name}-${record.date.slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify(record, null, 2) + '\n');
  console.log(JSON.stringify(record, null, 2));
  console.log(`written ${file}`);
}
