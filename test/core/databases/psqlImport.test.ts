import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blankLines,
  planPsqlImport,
  scanPsqlDump,
} from '../../../electron/core/databases/psqlMetaCommands.ts';
import {
  PSQL_HAS_RESTRICT,
  failedLine,
  importCommand,
  optionFile,
} from '../../../electron/core/databases/remoteCommands.ts';
import type { DatabaseCredentials } from '../../../shared/src/databases.ts';
import { startPostgres, type PostgresServer } from '../support/postgresServer.ts';

/**
 * The PostgreSQL import against a real server and Debian's psql: the command the app runs on a
 * database node, run here with `sh -c` on the same stream the app sends. The dumps are hostile: each
 * tries to make psql run `touch <marker>`; the test checks the marker never appears.
 */
const dir = mkdtempSync(join(tmpdir(), 'psql-import-'));
const work = join(dir, 'work');
let server: PostgresServer;
const credentials: DatabaseCredentials = {
  database: 'shop',
  user: 'shop',
  password: `p:w\\${randomBytes(6).toString('hex')}`,
};
let markers = 0;

beforeAll(async () => {
  mkdirSync(work);
  server = await startPostgres(randomBytes(12).toString('hex'));
  server.admin(`CREATE ROLE shop LOGIN PASSWORD '${credentials.password.replace(/'/g, "''")}'`);
  server.admin('CREATE DATABASE shop OWNER shop');
  server.admin('CREATE DATABASE source OWNER shop');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const marker = () => join(work, `pwned-${markers++}`);

function write(name: string, dump: string | Buffer): string {
  const file = join(work, name);
  writeFileSync(file, dump);
  return file;
}

/** psql as the app's import runs it on a node: the scan's plan, the restrict key, `sh -c`. */
async function importLikeTheApp(file: string): Promise<{ code: number | null; stderr: string }> {
  const plan = await planPsqlImport(file, false);
  const secret = Buffer.from(optionFile('postgresql', credentials));
  const command = importCommand('postgresql', credentials, secret.length, randomBytes(24).toString('hex'));
  // No PGPASSWORD: the password must come through the option file, as on a node.
  return runShell(command, {}, async (stdin) => {
    stdin.write(secret);
    await pipeline(createReadStream(file), blankLines(plan.blankLines), stdin);
  });
}

/** psql with nothing in the way: what a dump does when nobody checks it. */
async function psqlUnchecked(
  file: string,
  extra: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  const args = [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-U',
    credentials.user,
    '-h',
    'localhost',
    '-d',
    'shop',
    ...extra,
  ];
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return runShell(`psql ${quoted}`, { PGPASSWORD: credentials.password }, (stdin) =>
    pipeline(createReadStream(file), stdin),
  );
}

function runShell(
  command: string,
  env: NodeJS.ProcessEnv,
  feed: (stdin: NodeJS.WritableStream) => Promise<void>,
): Promise<{ code: number | null; stderr: string }> {
  const { PGPASSWORD: _ignored, ...base } = process.env;
  const child = spawn('sh', ['-c', command], {
    env: { ...base, ...env, PGPORT: String(server.port) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // psql may stop reading early (ON_ERROR_STOP): a broken pipe is then expected.
  const fed = feed(child.stdin).catch(() => undefined);
  return new Promise((resolve) =>
    child.once('close', (code) => void fed.then(() => resolve({ code, stderr }))),
  );
}

/** Each ran `touch` through psql 15.18 unseen by the scan this suite's fixes replaced. */
const ATTACKS: Array<[string, (m: string) => string]> = [
  ['\\unrestrict with a command after it', (m) => `\\restrict abc\n\\unrestrict abc \\! touch ${m}\n`],
  [
    'COPY (query) from a table named stdin',
    (m) => `CREATE TEMP TABLE stdin (a int);\nCOPY (SELECT * FROM stdin) TO STDOUT;\n\\! touch ${m}\n\\.\n`,
  ],
  [
    'two COPY blocks announced on one line',
    (m) =>
      `CREATE TEMP TABLE t (a text);\nCOPY t FROM stdin; COPY t FROM stdin;\nx\n\\.\n'\n\\.\n\\! touch ${m} #'\n`,
  ],
  [
    'a COPY padded past what is kept of it',
    (m) =>
      `CREATE TEMP TABLE t (a text);\nCOPY t${' \n'.repeat(600_000)}FROM stdin;\n'\n\\.\n\\! touch ${m} #'\n`,
  ],
  [
    'COPY with comments for spaces',
    (m) => `CREATE TEMP TABLE t (a text);\nCOPY/**/t/**/FROM/**/stdin;\n'\n\\.\n\\! touch ${m} #'\n`,
  ],
  [
    'a ; inside parentheses',
    (m) => `CREATE TEMP TABLE t (a text);\nCOPY t FROM stdin WITH (FORMAT text;\n\\! touch ${m}\n);\n`,
  ],
  [
    'COPY inside BEGIN ATOMIC',
    (m) =>
      `CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; COPY t FROM stdin;\n\\! touch ${m}\nEND;\n`,
  ],
  [
    'an unset psql variable before FUNCTION',
    (m) => `CREATE :nope FUNCTION begin; COPY t FROM stdin;\n\\! touch ${m}\n`,
  ],
  [
    "\\' once standard_conforming_strings is off",
    (m) =>
      `SELECT set_config('standard_'||'conforming_strings','off',false);\nSELECT '\\'' \\! touch ${m} '';\n`,
  ],
  ['a dollar quote right after a parameter', (m) => `SELECT $1$a$ x $a$ \\! touch ${m}\n`],
  ['a dollar quote right after a number', (m) => `SELECT 1$a$ x $a$ \\! touch ${m}\n`],
  ['a dollar quote right after a psql variable', (m) => `SELECT :foo$a$ x $a$ \\! touch ${m}\n`],
  [
    'a switch to SJIS, whose lead bytes hide quotes',
    (m) => `SET client_encoding = 'SJIS';\nSELECT 1 \u0083' \\! touch ${m} #'\n`,
  ],
];

/** Computed SQL switches the client encoding: no scan of the text can see that coming. */
const COMPUTED_SJIS = (m: string): Buffer =>
  Buffer.concat([
    Buffer.from(`SELECT set_config('client_'||'encoding','SJIS',false);\nSELECT 1 `),
    Buffer.from([0x83]),
    Buffer.from(`' \\! touch ${m} #'\n`),
  ]);

// Never skipped: scripts/check-system-deps.mjs fails the run first when PostgreSQL is missing.
describe('PostgreSQL import against a real psql and server', () => {
  it.each(ATTACKS)('%s: psql runs it unchecked; the app refuses it before sending', async (name, dump) => {
    const unchecked = marker();
    await psqlUnchecked(write(`${name}-raw.sql`, Buffer.from(dump(unchecked), 'latin1')));
    expect(existsSync(unchecked), 'the attack works on psql itself').toBe(true);

    const guarded = marker();
    const file = write(`${name}.sql`, Buffer.from(dump(guarded), 'latin1'));
    await expect(planPsqlImport(file, false)).rejects.toThrow(/psql runs backslash commands on the node/);
    expect(existsSync(guarded)).toBe(false);
  });

  it('stops what the scan cannot see with psql’s own \\restrict: the client encoding switched by computed SQL', async () => {
    const unchecked = marker();
    await psqlUnchecked(write('computed-raw.sql', COMPUTED_SJIS(unchecked)));
    expect(existsSync(unchecked), 'the attack works on psql itself').toBe(true);

    const guarded = marker();
    const file = write('computed.sql', COMPUTED_SJIS(guarded));
    // This one reads as harmless to any scan of the text: the proof is psql refusing it.
    expect((await scanPsqlDump(file, false)).finding).toBeUndefined();
    const run = await importLikeTheApp(file);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/backslash commands are restricted/);
    expect(existsSync(guarded)).toBe(false);
  });

  it('refuses the bytes \\unrestrict anywhere: psql runs a backtick in its argument even while restricted', async () => {
    const unchecked = marker();
    const attack = (m: string) => `\\unrestrict \`touch ${m}\`\n`;
    await psqlUnchecked(write('unrestrict-raw.sql', attack(unchecked)), ['-c', '\\restrict K1', '-f', '-']);
    expect(existsSync(unchecked), 'psql evaluates the backtick under \\restrict').toBe(true);

    const inData = write('unrestrict.sql', `COPY t FROM stdin;\nC:\\\\unrestrict\\\\x\n\\.\n`);
    await expect(planPsqlImport(inData, false)).rejects.toThrow(/Line 2 .*\\unrestrict/);
  });

  it('imports a real pg_dump (with its own \\restrict pair) under the restriction, every byte intact', async () => {
    server.admin(
      [
        'SET ROLE shop',
        'CREATE TABLE notes (id int PRIMARY KEY, body text, raw bytea)',
        String.raw`INSERT INTO notes VALUES (1, E'tab\there\nnewline \\ back \\. dot', '\x00ff5c2e'), (2, 'C:\temp\', NULL), (3, '\! not a command', '\x')`,
        String.raw`CREATE FUNCTION slug(t text) RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN regexp_replace(t, '\W+', '-', 'g'); /* \! no */ END $f$`,
        `CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x * 2; END`,
        String.raw`COMMENT ON TABLE notes IS 'paths like C:\temp stay literal'`,
      ].join(';\n'),
      'source',
    );
    const dumped = spawnSync('pg_dump', ['-U', 'shop', '-h', '127.0.0.1', 'source'], {
      env: { ...process.env, PGPORT: String(server.port), PGPASSWORD: credentials.password },
    });
    expect(dumped.status, dumped.stderr?.toString()).toBe(0);
    const file = write('real.sql', dumped.stdout);
    const text = dumped.stdout.toString('utf8');
    const { plan, finding } = await scanPsqlDump(file, false);
    expect(finding).toBeUndefined();
    if (text.includes('\n\\restrict ')) expect(plan.blankLines).toHaveLength(2);

    const run = await importLikeTheApp(file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = (db: string) =>
      server.admin('SELECT id, body, raw, slug(body), twice(id) FROM notes ORDER BY id', db);
    expect(rows('shop')).toBe(rows('source'));
  });

  it('keeps psql’s line numbers those of the dump, after the lines it leaves out', async () => {
    const file = write(
      'broken.sql',
      'SELECT 1;\n\\restrict abcdefABCDEF0123\nCREATE TABLE before_error (a int);\nSELECT nope;\n',
    );
    const run = await importLikeTheApp(file);
    expect(run.code).not.toBe(0);
    expect(failedLine(run.stderr)).toBe(4);
    expect(
      server.admin("SELECT count(*) FROM pg_tables WHERE tablename = 'before_error'", 'shop').trim(),
    ).toBe('1');
  });

  it.each([
    ['psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', '1'],
    ['psql (PostgreSQL) 15.13', ''],
    ['psql (PostgreSQL) 15.14', '1'],
    ['psql (PostgreSQL) 13.21', ''],
    ['psql (PostgreSQL) 13.22', '1'],
    ['psql (PostgreSQL) 14.18', ''],
    ['psql (PostgreSQL) 14.19', '1'],
    ['psql (PostgreSQL) 16.9', ''],
    ['psql (PostgreSQL) 16.10', '1'],
    ['psql (PostgreSQL) 17.5', ''],
    ['psql (PostgreSQL) 17.6', '1'],
    ['psql (PostgreSQL) 18.0', '1'],
    ['psql (PostgreSQL) 12.22', ''],
    ['psql (PostgreSQL) 19devel', ''],
    ['', ''],
  ])('knows whether %j has \\restrict', (version, expected) => {
    const run = spawnSync(
      'sh',
      ['-c', `psql() { printf '%s\\n' "$V"; }; ${PSQL_HAS_RESTRICT}; printf '%s' "$r"`],
      {
        env: { ...process.env, V: version },
        encoding: 'utf8',
      },
    );
    expect(run.stdout).toBe(expected);
  });
});
