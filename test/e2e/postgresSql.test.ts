import { randomBytes } from 'node:crypto';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showScreen } from './accessibility.ts';
import {
  completeFirstRun,
  startApp,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { dropFiles } from './dropFiles.ts';

/*
 * SQL import and export on the sandbox's PostgreSQL node 518860 (environment analytics), driven as a
 * user drives them: a 100 MB .sql.gz dropped on the node, its tables counted with psql in a terminal on
 * the node, an export that brings them back, and psql's own error for a broken dump.
 */

const NODE = 518860;
const BIG_ROWS = 1_400_000;

let app: AppUnderTest;
let local: string;
let term: Locator;

const db = () => app.web.ready.sandbox!.databases.find((entry) => entry.node === NODE)!;

/** A pg_dump-style dump of `rows` rows of random text, gzipped: about 100 MB on disk. */
async function writeBigDump(path: string, rows: number): Promise<void> {
  async function* lines() {
    yield 'DROP TABLE IF EXISTS e2e_big;\nCREATE TABLE e2e_big (id integer PRIMARY KEY, payload text NOT NULL);\n';
    yield 'COPY public.e2e_big (id, payload) FROM stdin;\n';
    for (let start = 1; start <= rows; start += 10_000) {
      let chunk = '';
      for (let id = start; id < start + 10_000 && id <= rows; id++) {
        chunk += `${id}\t${randomBytes(72).toString('base64')}\n`;
      }
      yield chunk;
    }
    yield '\\.\n\nDROP TABLE IF EXISTS e2e_tags;\nCREATE TABLE e2e_tags (tag text);\n';
    yield "INSERT INTO e2e_tags VALUES ('a'), ('b'), ('c');\n";
  }
  await pipeline(Readable.from(lines()), createGzip({ level: 1 }), createWriteStream(path));
}

/** Counts and a checksum of the big table, by psql in the node's own terminal. */
async function countOnNode(marker: string): Promise<string> {
  const { user, password, name } = db();
  await typeIn(
    term,
    `PGPASSWORD=${password} psql -X -tA -F ' ' -U ${user} -h localhost -d ${name} -c "select '${marker}', count(*), sum(hashtext(payload)::bigint), (select count(*) from e2e_tags) from e2e_big"\r`,
  );
  const screen = await waitForScreen(term, new RegExp(`^${marker} \\d+ -?\\d+ \\d+\\s*$`, 'm'));
  return new RegExp(`^${marker} (\\d+ -?\\d+ \\d+)\\s*$`, 'm').exec(screen)![1]!;
}

async function openFromMenu(page: Page, action: 'Import SQL into' | 'Export SQL from') {
  await page.getByRole('button', { name: `More actions for node ${NODE}` }).click();
  await page.getByRole('menuitem', { name: `${action} node ${NODE}` }).click();
  return visible(page.getByRole('dialog', { name: new RegExp(`node ${NODE}`) }));
}

beforeAll(async () => {
  app = await startApp();
  local = await mkdtemp(join(tmpdir(), 'e2e-postgres-'));
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
  if (local) await rm(local, { recursive: true, force: true });
});

describe('SQL on the PostgreSQL node 518860', () => {
  let before: string;

  it('opens a terminal as postgres in its home', async () => {
    const { page } = app;
    await page.getByRole('button', { name: `Open terminal on node ${NODE}` }).click();
    term = terminal(page, `Terminal on node ${NODE}`);
    await visible(page.getByRole('tab', { name: new RegExp(`${NODE}.*\\(connected\\)`) }));
    await typeIn(term, 'echo "$(whoami) in $(pwd)"\r');
    await waitForScreen(term, /^postgres in \/var\/lib\/pgsql\s*$/m);
    await showScreen(page, 'postgres-terminal');
  });

  it('imports a 100 MB .sql.gz dropped on the node, creating its tables', async () => {
    const { page } = app;
    const dump = join(local, 'analytics-big.sql.gz');
    await writeBigDump(dump, BIG_ROWS);
    expect(statSync(dump).size).toBeGreaterThan(100_000_000);
    const row = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: `Open terminal on node ${NODE}` }) });
    await dropFiles(row, [dump]);
    const dialog = await visible(
      page.getByRole('dialog', { name: `Import analytics-big.sql.gz into node ${NODE}` }),
    );
    // The sandbox's PostgreSQL database and user are offered.
    expect(await dialog.getByLabel('Database').inputValue()).toBe(db().name);
    expect(await dialog.getByLabel('User').inputValue()).toBe(db().user);
    await showScreen(page, 'postgres-import-dialog');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Imported/ }), 600_000);
    await showScreen(page, 'postgres-import-done');
    await dialog.getByRole('button', { name: 'Close' }).click();

    before = await countOnNode('before');
    expect(before).toMatch(new RegExp(`^${BIG_ROWS} -?\\d+ 3$`));
    // A hang guard for 100 MB through psql and back on a loaded 2-core machine, not a speed requirement.
  }, 900_000);

  it('exports the database and the export brings the same rows back', async () => {
    const { page } = app;
    const dialog = await openFromMenu(page, 'Export SQL from');
    expect(await dialog.getByLabel('Database').inputValue()).toBe(db().name);
    const file = join(local, 'analytics-export.sql.gz');
    await dialog.getByLabel('Save to (a file on this computer)').fill(file);
    await dialog.getByRole('button', { name: 'Export' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Exported/ }), 600_000);
    await showScreen(page, 'postgres-export-done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The tables gone, the export restores them: same count, same checksum of every payload.
    const { user, password, name } = db();
    await typeIn(
      term,
      `PGPASSWORD=${password} psql -X -q -U ${user} -h localhost -d ${name} -c 'drop table e2e_big, e2e_tags' && echo dropped-ok\r`,
    );
    await waitForScreen(term, /^dropped-ok\s*$/m);
    const again = await openFromMenu(page, 'Import SQL into');
    const chooser = page.waitForEvent('filechooser');
    await again.getByRole('button', { name: 'Choose file' }).click();
    await (await chooser).setFiles(file);
    await again.getByRole('button', { name: 'Import' }).click();
    await visible(again.getByRole('status').filter({ hasText: /^Imported/ }), 600_000);
    await again.getByRole('button', { name: 'Close' }).click();
    expect(await countOnNode('after')).toBe(before);
    // A hang guard for 100 MB through psql and back on a loaded 2-core machine, not a speed requirement.
  }, 900_000);

  it('shows psql’s error, with its line, for a broken dump', async () => {
    const { page } = app;
    const dump = join(local, 'broken.sql');
    writeFileSync(dump, 'CREATE TABLE e2e_ok (id int);\nINSERT INTO e2e_ok VALUES (1);\nTHIS IS NOT SQL;\n');
    const dialog = await openFromMenu(page, 'Import SQL into');
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose file' }).click();
    await (await chooser).setFiles(dump);
    await dialog.getByRole('button', { name: 'Import' }).click();
    const error = await visible(dialog.getByRole('alert'));
    // Where it stopped, and psql's own words with the dump's line.
    expect(await error.innerText()).toMatch(
      /at line 3[\s\S]*psql:<stdin>:3: ERROR: +syntax error at or near "THIS"/,
    );
    await showScreen(page, 'postgres-import-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
