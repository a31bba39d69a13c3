import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { PsqlDumpScanner, type Finding } from './psqlLexer.ts';

export type { Finding as MetaCommandFinding } from './psqlLexer.ts';
export { PsqlDumpScanner } from './psqlLexer.ts';

/**
 * The pre-pass over a PostgreSQL dump before a byte of it goes to the node. psql runs `\!` and
 * `\copy … program` as shell commands on the node, wherever they stand outside quotes, so:
 *
 * - this scan refuses any meta-command, with psql's own lexical rules (psqlLexer.ts), and says where;
 * - where the node's psql has `\restrict` (13.22, 14.19, 15.14, 16.10, 17.6 and later) the import
 *   also restricts psql with a key of its own, so psql itself refuses every meta-command even where
 *   this scan and psql could read a dump differently — a dump that switches the client encoding
 *   through computed SQL can make them. The one command psql still takes then is `\unrestrict`, and
 *   psql evaluates its argument (backticks run a shell command) before checking the key: so the
 *   bytes `\unrestrict` may not appear anywhere, COPY data included;
 * - pg_dump's own `\restrict KEY` / `\unrestrict KEY` lines are left out of what is sent (psql would
 *   stop at them under the app's restriction, and a psql without `\restrict` stops at them anyway).
 *
 * Lines split at LF only, as psql reads them; a NUL byte is refused (psql drops the rest of that
 * line and joins the next, so the two would no longer agree on lines).
 */
export interface DumpPlan {
  /** 1-based lines to send empty: pg_dump's own restrict pair. */
  blankLines: number[];
}

/** An SQL line (outside COPY data) longer than this is refused: it is held whole to be read. */
const SQL_LINE_LIMIT = 64 * 1024 * 1024;
const UNRESTRICT = Buffer.from('\\unrestrict', 'latin1');
const LF = 0x0a;
/** More of pg_dump's restrict lines than any dump has: bounds the plan's memory. */
const BLANK_LIMIT = 1000;

class ScanStopped extends Error {
  constructor(readonly finding: Finding) {
    super(finding.reason);
  }
}

/** Reads a dump's lines: SQL lines to the lexer whole, COPY data lines only as far as `\.` needs. */
class DumpReader {
  readonly scanner = new PsqlDumpScanner();
  readonly blankLines: number[] = [];
  private lines = 0;
  private sqlParts: Buffer[] = [];
  private sqlLength = 0;
  /** The current data line: its length and first three bytes (enough to tell `\.` and `\.\r`). */
  private dataLength = 0;
  private dataHead = Buffer.alloc(3);
  /** The last bytes of the data line so far, to find `\unrestrict` across chunks. */
  private dataTail = Buffer.alloc(0);

  chunk(chunk: Buffer): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) this.stop('NUL', 'a NUL byte, which psql drops with the rest of its line', chunk, nul);
    let nextUnrestrict = chunk.indexOf(UNRESTRICT);
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      const end = lf < 0 ? chunk.length : lf;
      if (this.scanner.copying) {
        if (nextUnrestrict >= 0 && nextUnrestrict < pos) nextUnrestrict = chunk.indexOf(UNRESTRICT, pos);
        if (nextUnrestrict >= pos && nextUnrestrict < end) this.unrestrictInData();
        this.data(chunk.subarray(pos, end));
        if (lf >= 0) this.endData();
      } else {
        this.sqlParts.push(chunk.subarray(pos, end));
        this.sqlLength += end - pos;
        if (this.sqlLength > SQL_LINE_LIMIT)
          this.fail('line', `a line over ${SQL_LINE_LIMIT / 1024 / 1024} MiB outside COPY data`);
        if (lf >= 0) this.endSql();
      }
      pos = end + 1;
    }
  }

  end(): void {
    if (this.sqlLength > 0) this.endSql();
  }

  private data(bytes: Buffer): void {
    if (this.dataLength < 3) bytes.copy(this.dataHead, this.dataLength, 0, 3 - this.dataLength);
    if (this.dataLength > 0 && bytes.length > 0) {
      const seam = Buffer.concat([this.dataTail, bytes.subarray(0, UNRESTRICT.length - 1)]);
      if (seam.includes(UNRESTRICT)) this.unrestrictInData();
    }
    this.dataTail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - (UNRESTRICT.length - 1))));
    this.dataLength += bytes.length;
  }

  private endData(): void {
    const head = this.dataHead;
    const terminator =
      head[0] === 0x5c &&
      head[1] === 0x2e &&
      (this.dataLength === 2 || (this.dataLength === 3 && head[2] === 0x0d));
    this.lines++;
    this.scanner.copyLine(terminator);
    this.dataLength = 0;
    this.dataTail = Buffer.alloc(0);
  }

  private endSql(): void {
    const text = Buffer.concat(this.sqlParts, this.sqlLength).toString('latin1');
    this.sqlParts = [];
    this.sqlLength = 0;
    this.lines++;
    const result = this.scanner.line(text);
    if (result === 'blank') {
      if (this.blankLines.length >= BLANK_LIMIT)
        this.fail('\\restrict', 'more \\restrict lines than any dump has');
      this.blankLines.push(this.lines);
    } else if (result) throw new ScanStopped(result);
  }

  private unrestrictInData(): never {
    this.fail(
      '\\unrestrict',
      'the bytes \\unrestrict, which psql would take as a command if it read this line as SQL',
      1,
    );
  }

  /** A problem on the current line (or the next, for one found in data before its line ends). */
  private fail(command: string, reason: string, ahead = 1): never {
    throw new ScanStopped({ line: this.lines + ahead, command, reason });
  }

  private stop(command: string, reason: string, chunk: Buffer, at: number): never {
    let line = this.lines + 1;
    for (let lf = chunk.indexOf(LF); lf >= 0 && lf < at; lf = chunk.indexOf(LF, lf + 1)) line++;
    throw new ScanStopped({ line, command, reason });
  }
}

function open(file: string, compressed: boolean): { input: Readable; close(): void } {
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 });
  const input: Readable = compressed ? raw.pipe(createGunzip()) : raw;
  return { input, close: () => raw.destroy() };
}

/** Scans a dump (plain or gzip) in one streaming pass; holds at most one SQL line. */
export async function scanPsqlDump(
  file: string,
  compressed: boolean,
): Promise<{ finding?: Finding; plan: DumpPlan }> {
  const reader = new DumpReader();
  const { input, close } = open(file, compressed);
  try {
    for await (const chunk of input) reader.chunk(chunk as Buffer);
    reader.end();
    return { plan: { blankLines: reader.blankLines } };
  } catch (error) {
    if (error instanceof ScanStopped) return { finding: error.finding, plan: { blankLines: [] } };
    throw error;
  } finally {
    close();
  }
}

export async function findPsqlMetaCommand(file: string, compressed: boolean): Promise<Finding | undefined> {
  return (await scanPsqlDump(file, compressed)).finding;
}

/** Refuses a dump psql could run commands from, saying where and what to do instead. */
export async function planPsqlImport(file: string, compressed: boolean): Promise<DumpPlan> {
  const { finding, plan } = await scanPsqlDump(file, compressed);
  if (!finding) return plan;
  throw new InvalidInput(
    `Line ${finding.line} of the dump has ${finding.reason} (${finding.command}). psql runs ` +
      'backslash commands on the node, and `\\!` or `\\copy … program` run shell commands there, so ' +
      'the app imports PostgreSQL dumps only when it can tell that none is in them. Remove or rewrite ' +
      'that line, or import the file with psql yourself.',
    { line: finding.line, command: finding.command },
  );
}

/** Sends the dump with the given lines emptied (their line breaks stay, so psql's line numbers do). */
export function blankLines(lines: readonly number[]): Transform {
  const targets = [...lines].sort((a, b) => a - b);
  let next = 0;
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (next >= targets.length) return done(null, chunk);
      const kept: Buffer[] = [];
      let pos = 0;
      while (pos < chunk.length) {
        const lf = chunk.indexOf(LF, pos);
        const end = lf < 0 ? chunk.length : lf;
        if (line !== targets[next]) kept.push(chunk.subarray(pos, end));
        if (lf < 0) break;
        kept.push(chunk.subarray(lf, lf + 1));
        if (line === targets[next]) next++;
        line++;
        pos = lf + 1;
        if (next >= targets.length) {
          kept.push(chunk.subarray(pos));
          break;
        }
      }
      done(null, Buffer.concat(kept));
    },
  });
}
