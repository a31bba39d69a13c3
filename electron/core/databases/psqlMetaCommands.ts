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
const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
const SQL_SPECIAL = /\\|--|\/\*|['"$;]/g;
const QUOTE_END = /''|'/g;
const QUOTE_END_ESCAPES = /\\[\s\S]|''|'/g;
const IDENT_END = /""|"/g;
const COMMENT_TOKEN = /\/\*|\*\//g;
/** How much of a statement is kept to recognise COPY … FROM stdin and SET lines. */
const STATEMENT_HEAD = 64 * 1024;
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
  /** The statement so far outside quotes and comments, as far as the checks need it. */
  private statement = '';
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
    // Jumps from one character that matters to the next: 58 MB of dump scanned at 48 MB/s
    // character by character, several times that this way.
    let i = 0;
    while (i < text.length) {
      const state: State = this.state;
      if (state.kind === 'sql') {
        SQL_SPECIAL.lastIndex = i;
        const match = SQL_SPECIAL.exec(text);
        const at = match ? match.index : text.length;
        this.keep(text.slice(i, at));
        if (!match) break;
        const token = match[0];
        if (token === '\\') {
          const command = /^\\([A-Za-z!?;]+|\S)?/.exec(text.slice(at))?.[1] ?? '';
          // `\restrict KEY` takes the rest of the line as its argument, as psql reads it.
          if (ALLOWED.has(command)) return undefined;
          return { line: this.lineNo, command: `\\${command}`, reason: 'a psql meta-command' };
        }
        if (token === '--') break;
        i = at + token.length;
        if (token === '/*') this.state = { kind: 'comment', depth: 1 };
        else if (token === '"') this.state = { kind: 'ident' };
        else if (token === "'") {
          // E'…' takes backslash escapes; the E must be a word of its own (not the end of `name'`).
          const escapes = /[Ee]/.test(text.charAt(at - 1)) && !IDENT.test(text.charAt(at - 2));
          this.state = { kind: 'quote', escapes };
          this.keep("'");
        } else if (token === ';') {
          const finding = this.endStatement();
          if (finding) return finding;
        } else if (token === '$') {
          const tag = IDENT.test(text.charAt(at - 1)) ? null : DOLLAR_TAG.exec(text.slice(at));
          if (tag) {
            this.state = { kind: 'dollar', tag: tag[0] };
            i = at + tag[0].length;
          } else this.keep('$');
        }
        continue;
      }
      if (state.kind === 'quote') {
        const end = state.escapes ? QUOTE_END_ESCAPES : QUOTE_END;
        end.lastIndex = i;
        const match = end.exec(text);
        if (!match) break;
        i = match.index + match[0].length;
        if (match[0] === "'") this.state = { kind: 'sql' };
        continue;
      }
      if (state.kind === 'ident') {
        IDENT_END.lastIndex = i;
        const match = IDENT_END.exec(text);
        if (!match) break;
        i = match.index + match[0].length;
        if (match[0] === '"') this.state = { kind: 'sql' };
        continue;
      }
      if (state.kind === 'dollar') {
        const end = text.indexOf(state.tag, i);
        if (end < 0) break;
        i = end + state.tag.length;
        this.state = { kind: 'sql' };
        continue;
      }
      if (state.kind === 'comment') {
        COMMENT_TOKEN.lastIndex = i;
        const match = COMMENT_TOKEN.exec(text);
        if (!match) break;
        i = match.index + 2;
        const depth: number = state.depth + (match[0] === '/*' ? 1 : -1);
        this.state = depth > 0 ? { kind: 'comment', depth } : { kind: 'sql' };
        continue;
      }
      break;
    }
    if (this.state.kind === 'sql') this.keep(' ');
    if (this.copyNext && this.state.kind === 'sql') this.state = { kind: 'copy' };
    this.copyNext = false;
    return undefined;
  }

  private keep(text: string): void {
    if (this.statement.length < STATEMENT_HEAD) this.statement += text;
  }

  private endStatement(): MetaCommandFinding | undefined {
    const text = this.statement.replace(/\s+/g, ' ');
    const touches = this.touchesScs;
    // A COPY whose FROM stdin lies past the head is missed, and its data then read as SQL: a
    // refusal too many, never one too few.
    if (/^\s*copy\b/i.test(text) && /\bfrom\s+stdin\b/i.test(text)) this.copyNext = true;
    this.statement = '';
    this.touchesScs = false;
    if (touches && !SCS_ON.test(text))
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
