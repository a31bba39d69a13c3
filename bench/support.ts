import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A file of random bytes, written in 1 MiB blocks. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += 1 << 20) {
    if (!out.write(randomBytes(Math.min(1 << 20, bytes - written)))) {
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface SandboxProcess<R> {
  proc: ChildProcess;
  ready: R;
  stop(): Promise<void>;
}

/** Runs `enscale-gateway sandbox --json` in its own process, so the benchmark does not share its CPU. */
export function startSandbox<R>(args: string[]): Promise<SandboxProcess<R>> {
  const bin = join(import.meta.dirname, '..', 'gateway', 'bin', 'enscale-gateway.js');
  const proc = spawn(process.execPath, [bin, 'sandbox', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve({
        proc,
        ready: JSON.parse(line) as R,
        stop: () =>
          new Promise((done) => {
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      }),
    );
    proc.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}
