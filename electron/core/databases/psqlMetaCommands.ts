import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidInput } from '../../../shared/src/errors.ts';

/**
 * psql runs a backslash command wherever one stands outside quotes and comments, in the middle of a
 * line too (`SELECT 1; \! id`), and `\!` or `\copy … program` runs a shell command on the node. So
 * a dump from elsewhere is scanned before a byte of it is sent, with psql's own lexical rules:
 * '…' strings (standard_conforming_strings on, PostgreSQL's default since 9.1 and what pg_dump sets),
 * E'…' strings with backslash escapes, "…" identifiers, $tag$…$tag$ bodies, -- and nested block
 * comments, and the data lines of COPY … FROM stdin up to `\.`. pg_dump ≥ 17.6 writes
 * `\restrict KEY` / `\unrestrict KEY` (they only switch meta-commands off), the one pair allowed.
 * A dump that turns standard_conforming_strings off is refused: its strings would read differently.
 */
export interface MetaCommandFinding {
  line: number;
  command: string;
  reason: string;
}

const ALLOWED = new Set(['restrict', 'unrestrict']);
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const SCS = 'standard_conforming_strings';
/** The one way a dump may mention the setting: switching it on, as pg_dump does. */
const SCS_ON = /^\s*set\s+(session\s+)?standard_conforming_strings\s*(=|to)\s*'?on'?\s*$/i;

type State =
  | { kind: 'sql' }
  | { kind: 'quote'; escapes: boolean }
  | { kind: 'ident' }
  | { kind: 'dollar'; tag: string }
  | { kind: 'comment'; depth: number }
  | { kind: 'copy' };

export class PsqlDumpScanner {
  private state: State = { kind: 'sql' };
  private lineNo = 0;
  /** The statement so far, outside quotes, as far as the checks need it (its first 4 KiB). */
  private statement = '';
  private firstWord = '';
  private fromStdin = false;
  private previousWord = '';
  private touchesScs = false;
  /** A COPY … FROM stdin ended on this line: its data starts on the next one. */
  private copyNext = false;

  /** Scans one line (without its line break); returns what makes the dump unsafe, if anything. */
  line(text: string): MetaCommandFinding | undefined {
    this.lineNo++;
    if (this.state.kind === 'copy') {
      if (text === '\\.' || text === '\\.\r') this.state = { kind: 'sql' };
      return undefined;
    }
    if (text.toLowerCase().includes(SCS)) this.touchesScs = true;
    let word = '';
    const endWord = () => {
      if (!word) return;
      const lower = word.toLowerCase();
      if (!this.firstWord) this.firstWord = lower;
      if (this.previousWord === 'from' && lower === 'stdin') this.fromStdin = true;
      this.previousWord = lower;
      word = '';
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charAt(i);
      const state: State = this.state;
      if (state.kind === 'quote') {
        if (state.escapes && c === '\\') i++;
        else if (c === "'") {
          if (text[i + 1] === "'") i++;
          else this.state = { kind: 'sql' };
        }
        continue;
      }
      if (state.kind === 'ident') {
        if (c === '"') {
          if (text[i + 1] === '"') i++;
          else this.state = { kind: 'sql' };
        }
        continue;
      }
      if (state.kind === 'dollar') {
        if (c === '$' && text.startsWith(state.tag, i)) {
          i += state.tag.length - 1;
          this.state = { kind: 'sql' };
        }
        continue;
      }
      if (state.kind === 'comment') {
        if (c === '*' && text[i + 1] === '/') {
          i++;
          this.state = state.depth > 1 ? { kind: 'comment', depth: state.depth - 1 } : { kind: 'sql' };
        } else if (c === '/' && text[i + 1] === '*') {
          i++;
          this.state = { kind: 'comment', depth: state.depth + 1 };
        }
        continue;
      }
      // Plain SQL.
      if (IDENT.test(c) && (word || IDENT_START.test(c))) {
        word += c;
        if (this.statement.length < 4096) this.statement += c;
        continue;
      }
      const wordBefore = word;
      endWord();
      if (c === '\\') {
        const command = /^\\([A-Za-z!?;]+|\S)?/.exec(text.slice(i))?.[1] ?? '';
        // `\restrict KEY` takes the rest of the line as its argument, as psql reads it.
        if (ALLOWED.has(command)) return undefined;
        return {
          line: this.lineNo,
          command: `\\${command}`,
          reason: 'a psql meta-command',
        };
      }
      if (c === '-' && text[i + 1] === '-') break;
      if (c === '/' && text[i + 1] === '*') {
        i++;
        this.state = { kind: 'comment', depth: 1 };
        continue;
      }
      if (c === "'") {
        // E'…' takes backslash escapes; the E must be a word of its own (not the end of `name'`).
        this.state = { kind: 'quote', escapes: /^[Ee]$/.test(wordBefore) };
        if (this.statement.length < 4096) this.statement += "'";
        continue;
      }
      if (c === '"') {
        this.state = { kind: 'ident' };
        continue;
      }
      if (c === '$' && !wordBefore) {
        const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i));
        if (tag) {
          this.state = { kind: 'dollar', tag: tag[0] };
          i += tag[0].length - 1;
          continue;
        }
      }
      if (c === ';') {
        const finding = this.endStatement();
        if (finding) return finding;
        continue;
      }
      if (this.statement.length < 4096) this.statement += c;
    }
    endWord();
    if (this.statement.length < 4096 && this.state.kind === 'sql') this.statement += ' ';
    if (this.copyNext && this.state.kind === 'sql') this.state = { kind: 'copy' };
    this.copyNext = false;
    return undefined;
  }

  private endStatement(): MetaCommandFinding | undefined {
    const text = this.statement;
    const touches = this.touchesScs;
    if (this.firstWord === 'copy' && this.fromStdin) this.copyNext = true;
    this.statement = '';
    this.firstWord = '';
    this.previousWord = '';
    this.fromStdin = false;
    this.touchesScs = false;
    if (touches && !SCS_ON.test(text.replace(/\s+/g, ' ')))
      return {
        line: this.lineNo,
        command: SCS,
        reason: 'a change of standard_conforming_strings, which changes how psql reads the rest',
      };
    return undefined;
  }
}

/** Scans a dump (plain or gzip) line by line; never holds more than one line in memory. */
export async function findPsqlMetaCommand(
  file: string,
  compressed: boolean,
): Promise<MetaCommandFinding | undefined> {
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 });
  const input: Readable = compressed ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  const scanner = new PsqlDumpScanner();
  try {
    for await (const text of lines) {
      const finding = scanner.line(text);
      if (finding) return finding;
    }
    return undefined;
  } finally {
    lines.close();
    raw.destroy();
  }
}

/** Refuses a dump psql would run commands from, saying where and what to do instead. */
export async function refusePsqlMetaCommands(file: string, compressed: boolean): Promise<void> {
  const finding = await findPsqlMetaCommand(file, compressed);
  if (!finding) return;
  throw new InvalidInput(
    `Line ${finding.line} of the dump has ${finding.reason} (${finding.command}). psql would run it on ` +
      'the node, and `\\!` or `\\copy … program` runs shell commands there, so the app imports ' +
      'PostgreSQL dumps only without them. Remove that line, or import the file with psql yourself.',
    { line: finding.line, command: finding.command },
  );
}
