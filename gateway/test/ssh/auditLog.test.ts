import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesAuditLog, MemoryAuditLog, TeeAuditLog } from '../../src/ssh/AuditLog.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('writes one JSON object per line with a timestamp, readable only by the owner', () => {
    const path = join(tempDir(), 'gateway', 'audit.log');
    const log = new JsonLinesAuditLog(path);
    log.record({ event: 'connect', conn: 'c1', ip: '127.0.0.1', port: 5000 });
    log.record({ event: 'disconnect', conn: 'c1', reason: 'client disconnected', durationMs: 5 });
    log.close();
    log.record({ event: 'disconnect', conn: 'ignored after close', reason: '', durationMs: 0 });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as { event: string; ts: string })).toEqual([
      expect.objectContaining({
        event: 'connect',
        conn: 'c1',
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
      expect.objectContaining({ event: 'disconnect', conn: 'c1' }),
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never tears or interleaves lines when several processes append at once', async () => {
    const path = join(tempDir(), 'audit.log');
    const writer = `
      const { JsonLinesAuditLog } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/ssh/AuditLog.ts'))});
      const log = new JsonLinesAuditLog(process.argv[1]);
      const padding = 'x'.repeat(3000);
      for (let i = 0; i < 500; i++) log.record({ event: 'refused', conn: process.argv[2] + '-' + i, ip: padding, reason: 'load' });
      log.close();
    `;
    const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(
        (name) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(tsx, ['--input-type=module', '-e', writer, path, name], { stdio: 'inherit' });
            child.once('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`writer ${name} exited ${code}`)),
            );
          }),
      ),
    );
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    // A writer that opens the log while another's line is still being copied in can read a last byte
    // that is not yet a line break (Linux does not make reads atomic with appends) and starts on a
    // line of its own: at most one blank line per writer, never a torn one (seen once in CI).
    const all = text.slice(0, -1).split('\n');
    expect(all.length - 2000).toBeLessThanOrEqual(4);
    const lines = all.filter((line) => line !== '');
    expect(lines).toHaveLength(2000);
    const conns = new Set(lines.map((line) => (JSON.parse(line) as { conn: string }).conn));
    expect(conns.size).toBe(2000);
  });

  it('starts on a line of its own after a previous run left a line cut short', () => {
    const path = join(tempDir(), 'audit.log');
    // What a crash in the middle of a write would leave: a whole line, then the start of one.
    const whole = JSON.stringify({ ts: '2026-12-01T00:00:00.000Z', event: 'refused', conn: 'a', ip: 'x' });
    writeFileSync(path, `${whole}\n{"ts":"2026-12-01T00:00:01.000Z","event":"conn`, { mode: 0o600 });
    const log = new JsonLinesAuditLog(path);
    log.record({ event: 'connect', conn: 'after', ip: '127.0.0.1', port: 5000 });
    log.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(whole);
    expect(lines[1]).toBe('{"ts":"2026-12-01T00:00:01.000Z","event":"conn');
    expect(JSON.parse(lines[2]!)).toMatchObject({ event: 'connect', conn: 'after' });
    expect(lines[3]).toBe('');

    // A file that ends properly gets no blank line.
    new JsonLinesAuditLog(path).close();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('fans out to several sinks', () => {
    const a = new MemoryAuditLog();
    const b = new MemoryAuditLog();
    new TeeAuditLog(a, b).record({ event: 'refused', conn: 'x', ip: '1.2.3.4', reason: 'test' });
    expect(a.events).toEqual(b.events);
    expect(a.events).toHaveLength(1);
  });
});
