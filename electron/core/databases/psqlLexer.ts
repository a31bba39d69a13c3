import { copyKind, encodingProblem, tokens } from './psqlStatement.ts';

/**
 * psql's reading of a dump, line by line, as far as it decides whether psql runs a backslash
 * command: psql runs one wherever a backslash stands outside quotes and comments, mid-line and
 * mid-statement too (`SELECT 1; \! id`, or a line of its own inside an unfinished statement). So
 * this follows psql's lexer (src/bin/psql/psqlscan.l): '…' and E'…' strings, "…" identifiers,
 * $tag$ bodies, -- comments (which end at CR as well as LF) and nested block comments, and where a
 * statement ends — at a `;` outside parentheses and, since psql 14, outside the BEGIN … END of a
 * CREATE FUNCTION/PROCEDURE — because that decides where COPY … FROM stdin data begins.
 *
 * Lines arrive as latin1 text: one character per byte, so high bytes stay what psql's lexer sees
 * (identifier characters) and dollar tags compare byte for byte. Where two psql versions or two
 * server settings would read the dump differently, the dump is refused rather than guessed at.
 */
export interface Finding {
  line: number;
  command: string;
  reason: string;
}

type State =
  | { kind: 'sql' }
  | { kind: 'quote'; escapes: boolean }
  | { kind: 'ident' }
  | { kind: 'dollar'; tag: string }
  | { kind: 'comment'; depth: number };

/** pg_dump ≥ 17.6 brackets a dump with these; the app takes them out and restricts psql itself. */
const RESTRICT_LINE = /^\\(?:un)?restrict [A-Za-z0-9]+\r?$/;
const IDENT = /[A-Za-z0-9_$\u0080-\u00ff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\u00ff][A-Za-z0-9_\u0080-\u00ff]*)?\$/;
const SQL_SPECIAL = /\\|--|\/\*|['"$;()]/g;
const QUOTE_END = /''|'/g;
const QUOTE_END_ESCAPES = /\\[\s\S]|''|'/g;
const IDENT_END = /""|"/g;
const COMMENT_TOKEN = /\/\*|\*\//g;
/** Identifiers, and runs that start with a digit (numbers, or junk psql versions split differently). */
const WORD = /[A-Za-z_\u0080-\u00ff][A-Za-z0-9_$\u0080-\u00ff]*|[0-9][A-Za-z0-9_$.\u0080-\u00ff]*/g;
/** How much of a statement is kept to recognise COPY and SET; a longer COPY is refused. */
const HEAD_LIMIT = 1 << 20;
/** The strings of a SET statement kept to read its value. */
const SET_STRINGS = 4;
const FUNCTION_WORDS: Record<string, string> = {
  create: 'c',
  function: 'f',
  procedure: 'p',
  or: 'o',
  replace: 'r',
};

/** The statement being read: its head, and psql 14's BEGIN … END tracking of function bodies. */
class Statement {
  head = '';
  overflowed = false;
  /** Where in `head` the words were last read up to. */
  readTo = 0;
  /** psql 14+: the first identifiers' initials, deciding whether BEGIN/END are counted. */
  initials: string[] = [];
  identifiers = 0;
  /** No BEGIN … END tracking can apply any more: its words need no reading. */
  settled = false;
  strings: string[] = [];
  mentionsEncoding = false;
  /** A SET statement, whose strings are kept (decided at its first string). */
  isSet: boolean | undefined;
}

export class PsqlDumpScanner {
  private state: State = { kind: 'sql' };
  private lineNo = 0;
  private parenDepth = 0;
  /** psql ≥ 14's begin_depth; psql 13 has none, so a `;` inside it ends a statement for 13 only. */
  private beginDepth = 0;
  private statement = new Statement();
  /** COPY … FROM stdin statements that ended on this line: their data blocks follow it, in turn. */
  private copiesEnded = 0;
  private copyBlocks = 0;
  /** Where on this line SQL last resumed after a dollar body (a token boundary). */
  private sqlFrom = 0;

  /** True while psql reads data lines (up to a line `\.`) rather than SQL. */
  get copying(): boolean {
    return this.copyBlocks > 0;
  }

  /** A data line of a COPY block: the terminator ends the block. */
  copyLine(terminator: boolean): void {
    this.lineNo++;
    if (terminator) this.copyBlocks--;
  }

  /**
   * Scans one SQL line (without its LF). Returns 'blank' for pg_dump's own `\restrict` pair, which
   * the import leaves out, or what makes the dump unsafe.
   */
  line(text: string): Finding | 'blank' | undefined {
    this.lineNo++;
    if (this.state.kind === 'sql' && RESTRICT_LINE.test(text)) return 'blank';
    if (text.includes('\\unrestrict')) return this.finding('\\unrestrict', UNRESTRICT);
    if (/client_encoding/i.test(text)) this.statement.mentionsEncoding = true;
    const finding = this.scan(text);
    if (finding) return finding;
    if (this.state.kind === 'sql' || this.state.kind === 'comment') this.keep(' ');
    this.copyBlocks += this.copiesEnded;
    this.copiesEnded = 0;
    return undefined;
  }

  private scan(text: string): Finding | undefined {
    let i = 0;
    this.sqlFrom = 0;
    while (i < text.length) {
      const state: State = this.state;
      if (state.kind === 'sql') {
        SQL_SPECIAL.lastIndex = i;
        const match = SQL_SPECIAL.exec(text);
        const at = match ? match.index : text.length;
        this.keep(text.slice(i, at));
        if (!match) return undefined;
        const token = match[0];
        i = at + token.length;
        if (token === '\\') {
          const command = /^\\([A-Za-z]+|\S)?/.exec(text.slice(at))?.[1] ?? '';
          return this.finding(`\\${command}`, 'a psql meta-command');
        }
        if (token === '--') {
          // psql's comment runs to LF or CR: what follows a CR is SQL again.
          const cr = text.indexOf('\r', i);
          if (cr < 0) return undefined;
          this.keep(' ');
          i = cr + 1;
        } else if (token === '/*') {
          this.keep(' ');
          this.state = { kind: 'comment', depth: 1 };
        } else if (token === '"') {
          this.keep('"');
          this.state = { kind: 'ident' };
        } else if (token === "'") {
          // E'…' takes backslash escapes; the E must be a word of its own (not the end of `name'`).
          const escapes = /[Ee]/.test(text.charAt(at - 1)) && !IDENT.test(text.charAt(at - 2));
          this.keep("'");
          this.state = { kind: 'quote', escapes };
        } else if (token === '$') {
          const opens = dollarOpens(text, at, this.sqlFrom);
          if (opens === 'unclear')
            return this.finding(
              '$',
              'a $ after a run psql versions split differently (a number glued to letters)',
            );
          const tag = opens === 'tag' ? DOLLAR_TAG.exec(text.slice(at)) : null;
          if (!tag) this.keep('$');
          else if (/[\u0080-\u00ff]/.test(tag[0]))
            return this.finding(
              tag[0],
              'a dollar-quote tag with non-ASCII bytes, which an encoding switch could hide',
            );
          else {
            this.keep("'");
            this.state = { kind: 'dollar', tag: tag[0] };
            i = at + tag[0].length;
          }
        } else {
          const finding = this.punctuation(token);
          if (finding) return finding;
        }
        continue;
      }
      if (state.kind === 'quote') {
        const end = state.escapes ? QUOTE_END_ESCAPES : QUOTE_END;
        end.lastIndex = i;
        const match = end.exec(text);
        if (!match) {
          this.keepString(text.slice(i));
          return undefined;
        }
        // An odd run of backslashes before a quote in '…' is where standard_conforming_strings
        // decides the end: with it off (a dump can switch it, even through computed SQL) psql reads
        // \' as a quote inside the string. Otherwise both readings end it at the same quote.
        if (!state.escapes && oddBackslashesBefore(text, match.index, i))
          return this.finding("\\'", STRING_BACKSLASH);
        this.keepString(text.slice(i, match.index));
        i = match.index + match[0].length;
        if (match[0] === "'") this.state = { kind: 'sql' };
        continue;
      }
      if (state.kind === 'ident') {
        IDENT_END.lastIndex = i;
        const match = IDENT_END.exec(text);
        if (!match) return undefined;
        i = match.index + match[0].length;
        if (match[0] === '"') this.state = { kind: 'sql' };
        continue;
      }
      if (state.kind === 'dollar') {
        const end = text.indexOf(state.tag, i);
        if (end < 0) return undefined;
        i = end + state.tag.length;
        this.state = { kind: 'sql' };
        // The closing tag ends a token: a word right after it starts afresh.
        this.sqlFrom = i;
        continue;
      }
      COMMENT_TOKEN.lastIndex = i;
      const match = COMMENT_TOKEN.exec(text);
      if (!match) return undefined;
      i = match.index + 2;
      const depth = state.depth + (match[0] === '/*' ? 1 : -1);
      this.state = depth > 0 ? { kind: 'comment', depth } : { kind: 'sql' };
    }
    return undefined;
  }

  /** `(`, `)` and `;`: psql's paren_depth, and the end of a statement. */
  private punctuation(token: string): Finding | undefined {
    const problem = this.readWords();
    if (problem) return problem;
    if (token === '(') this.parenDepth++;
    else if (token === ')') this.parenDepth = Math.max(0, this.parenDepth - 1);
    if (token !== ';') {
      this.keep(token);
      return undefined;
    }
    // psql sends nothing at a `;` inside parentheses: the statement, and its lines, go on.
    if (this.parenDepth > 0) {
      this.keep(token);
      return undefined;
    }
    return this.endStatement();
  }

  private endStatement(): Finding | undefined {
    const statement = this.statement;
    const head = statement.head;
    const copy = /^\s*copy\b/i.test(head);
    const set = /^\s*set\b/i.test(head);
    const words = copy || set || statement.mentionsEncoding ? tokens(head) : [];
    const kind = copy ? copyKind(words, statement.overflowed) : 'other';
    if (statement.overflowed && !/\S/.test(head))
      return this.finding('COPY', 'a statement too long to check that starts after 1 MiB of space');
    // Inside psql 14's function-body tracking the `;` ends the statement for psql 13 only: a COPY
    // here would start its data for one psql and not the other.
    if (this.beginDepth > 0 && copy)
      return this.finding('COPY', 'a COPY inside what psql 14 and later read as a function body');
    if (kind === 'unclear') return this.finding('COPY', 'a COPY … FROM stdin in a form the app cannot read');
    const encoding = encodingProblem(words, statement.strings, statement.mentionsEncoding);
    if (encoding) return this.finding('client_encoding', encoding);
    if (kind === 'copy-in') this.copiesEnded++;
    const keepTracking = this.beginDepth > 0;
    this.statement = new Statement();
    if (keepTracking) {
      // psql 14+ is still inside the function: its identifiers keep counting.
      this.statement.initials = statement.initials;
      this.statement.identifiers = statement.identifiers;
      this.statement.settled = statement.settled;
    }
    return undefined;
  }

  /**
   * Reads the words added to the head since the last look, for psql 14's BEGIN … END tracking:
   * in `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, BEGIN (and CASE inside it) opens and END closes,
   * counted outside parentheses only.
   */
  private readWords(): Finding | undefined {
    const statement = this.statement;
    const from = statement.readTo;
    statement.readTo = statement.head.length;
    if (statement.settled) return undefined;
    // Past the kept head, the words that decide psql 14's tracking would go unseen.
    if (statement.overflowed && statement.initials[0] === 'c')
      return this.finding('CREATE', 'a CREATE statement too long to check');
    const head = statement.head;
    WORD.lastIndex = from;
    for (let match = WORD.exec(head); match; match = WORD.exec(head)) {
      const word = match[0];
      const before = head.charAt(match.index - 1);
      const after = head.charAt(match.index + word.length);
      if (/^[0-9]/.test(word)) {
        // psql 15 reads `1end` as one bad number, psql 14 as 1 and END.
        if (this.tracking() && /begin|case|end/i.test(word))
          return this.finding(word, 'a function body whose BEGIN/END psql versions count differently');
        continue;
      }
      // E'…', N'…', B'…', X'…', U&'…' and U&"…": a prefix, not an identifier.
      if (after === "'" && /^[EeNnBbXx]$/.test(word)) continue;
      if (after === '&' && /^[Uu]$/.test(word)) continue;
      if (before === ':' && head.charAt(match.index - 2) !== ':') {
        // psql substitutes :name when such a variable is set and leaves it otherwise.
        if (statement.identifiers < 4 || this.tracking())
          return this.finding(`:${word}`, 'a psql variable where it changes how psql reads the statement');
        continue;
      }
      const lower = word.toLowerCase();
      if (statement.identifiers < 4) statement.initials[statement.identifiers] = FUNCTION_WORDS[lower] ?? '';
      statement.identifiers++;
      if (!this.tracking()) {
        if (this.untrackable()) {
          // Most statements (INSERT, COPY, SET…): settled at the first word, nothing more to read.
          statement.settled = true;
          return undefined;
        }
        continue;
      }
      if (this.parenDepth > 0) continue;
      if (lower === 'begin') this.beginDepth++;
      else if (lower === 'case' && this.beginDepth >= 1) this.beginDepth++;
      else if (lower === 'end' && this.beginDepth > 0) this.beginDepth--;
    }
    return undefined;
  }

  /** True once the identifiers so far can no longer make psql 14 track BEGIN … END. */
  private untrackable(): boolean {
    const [a, b, c] = this.statement.initials;
    const n = this.statement.identifiers;
    if (a !== 'c') return true;
    if (n >= 2 && b !== 'f' && b !== 'p' && b !== 'o') return true;
    if (n >= 3 && b === 'o' && c !== 'r') return true;
    return n >= 4 && !this.tracking();
  }

  private tracking(): boolean {
    const [a, b, c, d] = this.statement.initials;
    return a === 'c' && (b === 'f' || b === 'p' || (b === 'o' && c === 'r' && (d === 'f' || d === 'p')));
  }

  private keep(text: string): void {
    const statement = this.statement;
    if (statement.head.length >= HEAD_LIMIT) {
      statement.overflowed = true;
      return;
    }
    statement.head += text;
  }

  private keepString(text: string): void {
    const statement = this.statement;
    statement.isSet ??= /^\s*set\b/i.test(statement.head);
    if (!statement.isSet) return;
    const at = (statement.head.match(/'/g) ?? []).length - 1;
    if (at >= 0 && at < SET_STRINGS)
      statement.strings[at] = ((statement.strings[at] ?? '') + text).slice(0, 64);
  }

  private finding(command: string, reason: string): Finding {
    return { line: this.lineNo, command, reason };
  }
}

/**
 * Whether a `$` can open a dollar quote, as psql's lexer decides: not when it continues an
 * identifier (`a$b`), but yes after a number, a `$1` parameter or a `:name` variable, which psql ends
 * before the `$`. A number glued to letters (`1a$`) is split differently by psql 14 and 15.
 */
function dollarOpens(text: string, at: number, from: number): 'tag' | 'no' | 'unclear' {
  let start = at;
  while (start > from && IDENT.test(text.charAt(start - 1))) start--;
  if (start === at) return 'tag';
  const run = text.slice(start, at);
  const variable = text.charAt(start - 1) === ':' && text.charAt(start - 2) !== ':';
  if (variable && /^[A-Za-z0-9_\u0080-\u00ff]+$/.test(run)) return 'tag';
  if (/^[A-Za-z_\u0080-\u00ff]/.test(run)) return 'no';
  if (/^\$?[0-9]+$/.test(run)) return 'tag';
  return 'unclear';
}

function oddBackslashesBefore(text: string, at: number, from: number): boolean {
  let run = 0;
  while (at - run - 1 >= from && text.charCodeAt(at - run - 1) === 0x5c) run++;
  return run % 2 === 1;
}

const UNRESTRICT =
  '\\unrestrict other than pg_dump’s own line, which the app leaves out (psql evaluates its argument even while restricted)';
const STRING_BACKSLASH =
  "a backslash before a quote in a '…' string, where the end of the string depends on standard_conforming_strings (write it as E'…\\\\')";
