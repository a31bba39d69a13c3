import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeFirstRun, startApp, visible, type AppUnderTest } from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

/*
 * SQL export from the sandbox's database node, driven through its dialog, and the file it writes
 * read back from disk: the demo database's tables (their definitions and rows, awkward values
 * included) and a dump that restores them.
 */

const run = promisify(execFile);

let app: AppUnderTest;
let local: string;
let database: string;

/** Runs SQL in the demo database through the sandbox MariaDB's own socket (its client option file). */
async function mariadb(sql: string, input?: string): Promise<string> {
  const config = join(app.web.ready.sandbox!.data, 'mariadb', 'client.cnf');
  const args = [`--defaults-extra-file=${config}`, '--batch', '--skip-column-names', database];
  if (input === undefined) return (await run('mariadb', [...args, '-e', sql])).stdout;
  // A dump restored as the mariadb client restores it: the file on its standard input.
  return new Promise((resolve, reject) => {
    const child = execFile('mariadb', args, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

const SEED = [
  'DROP TABLE IF EXISTS orders, customers;',
  'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note TEXT NULL) CHARSET utf8mb4;',
  "INSERT INTO customers VALUES (1, 'Zoë O''Brien', 'likes “quotes”'), (2, 'Ivan', NULL);",
  'CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, total DECIMAL(8,2),',
  '  FOREIGN KEY (customer) REFERENCES customers (id));',
  'INSERT INTO orders (customer, total) VALUES (1, 9.99), (2, 120.00), (1, 0.50);',
].join('\n');

/** The dump's INSERT of `rows` into `table`, one line or a line a row as mariadb-dump writes it. */
function insertOf(table: string, rows: string[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`INSERT INTO \`${table}\` VALUES\\s*${rows.map(escape).join(',\\s*')};`);
}
const CUSTOMERS = ["(1,'Zoë O\\'Brien','likes “quotes”')", "(2,'Ivan',NULL)"];

const ROWS = 'SELECT * FROM customers ORDER BY id; SELECT * FROM orders ORDER BY id;';

beforeAll(async () => {
  app = await startApp();
  local = await mkdtemp(join(tmpdir(), 'e2e-sql-export-'));
  database = app.web.ready.sandbox!.database!.name;
  await completeFirstRun(app.page);
  await mariadb(SEED);
});
afterAll(async () => {
  await app?.close();
  if (local) await rm(local, { recursive: true, force: true });
});

/** Opens "Export SQL" from the database node's menu, as a user does. */
async function openExport(page: Page) {
  await page.getByRole('button', { name: 'More actions for node 518840' }).click();
  await page.getByRole('menuitem', { name: 'Export SQL from node 518840' }).click();
  return visible(page.getByRole('dialog', { name: 'Export SQL from node 518840' }));
}

describe('SQL export from the database node 518840', () => {
  it('shows the server’s error for a database that is not there, and leaves no file behind', async () => {
    const { page } = app;
    const dialog = await openExport(page);
    await dialog.getByLabel('Database').fill('no_such_db');
    // Not remembered: a wrong name must not become the one the keychain offers next time.
    await dialog.getByRole('checkbox', { name: /Remember these credentials/ }).uncheck({ force: true });
    const file = join(local, 'missing.sql.gz');
    await dialog.getByLabel('Save to (a file on this computer)').fill(file);
    await dialog.getByRole('button', { name: 'Export' }).click();
    const error = await visible(dialog.getByRole('alert'));
    expect(await error.innerText()).toMatch(/no_such_db/);
    await showScreen(page, 'sql-export-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(existsSync(file)).toBe(false);
    // Nor a partial file (the core writes to a hidden one first): the folder is as empty as it was.
    expect(readdirSync(local)).toEqual([]);
  });

  it('writes a plain .sql with the tables’ definitions and rows, which restores them', async () => {
    const { page } = app;
    const before = await mariadb(ROWS);
    const dialog = await openExport(page);
    // The sandbox's demo database and its user are offered.
    expect(await dialog.getByLabel('Database').inputValue()).toBe(database);
    expect(await dialog.getByLabel('User').inputValue()).toBe(app.web.ready.sandbox!.database!.user);
    const file = join(local, 'shop.sql');
    // A name ending in .sql turns compression off: a .sql file never holds gzip data.
    await dialog.getByLabel('Save to (a file on this computer)').fill(file);
    expect(await dialog.getByRole('checkbox', { name: 'Compress (gzip)' }).isChecked()).toBe(false);
    await showScreen(page, 'sql-export-plain');
    await dialog.getByRole('button', { name: 'Export' }).click();
    const status = await visible(dialog.getByRole('status').filter({ hasText: /^Exported/ }));
    await showScreen(page, 'sql-export-plain-done');
    // What the dialog reports is what is on disk.
    // (A dump of a few KB, which the dialog gives in KB with one decimal.)
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(1024);
    expect(await status.innerText()).toContain(`Exported ${(size / 1024).toFixed(1)} KB in`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    const dump = readFileSync(file, 'utf8');
    expect(dump).toMatch(/CREATE TABLE `customers` \([\s\S]*`name` varchar\(40\) NOT NULL/);
    expect(dump).toMatch(
      /CREATE TABLE `orders` \([\s\S]*FOREIGN KEY \(`customer`\) REFERENCES `customers` \(`id`\)/,
    );
    expect(dump).toMatch(insertOf('customers', CUSTOMERS));
    expect(dump).toMatch(insertOf('orders', ['(1,1,9.99)', '(2,2,120.00)', '(3,1,0.50)']));

    // The dump is a whole one: with the tables gone, it brings back the same rows.
    await mariadb('SET FOREIGN_KEY_CHECKS = 0; DROP TABLE orders, customers;');
    await mariadb('', dump);
    expect(await mariadb(ROWS)).toBe(before);
  });

  it('compresses with gzip by default, and a typed .sql name follows the box', async () => {
    const { page } = app;
    const dialog = await openExport(page);
    expect(await dialog.getByRole('checkbox', { name: 'Compress (gzip)' }).isChecked()).toBe(true);
    // Typed as .sql, then compressed: the name follows the box.
    const path = dialog.getByLabel('Save to (a file on this computer)');
    await path.fill(join(local, 'shop.sql'));
    await dialog.getByRole('checkbox', { name: 'Compress (gzip)' }).check({ force: true });
    const file = join(local, 'shop.sql.gz');
    expect(await path.inputValue()).toBe(file);
    await dialog.getByRole('button', { name: 'Export' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Exported/ }));
    await dialog.getByRole('button', { name: 'Close' }).click();
    const dump = gunzipSync(readFileSync(file)).toString('utf8');
    expect(dump).toContain('CREATE TABLE `customers`');
    expect(dump).toMatch(insertOf('customers', CUSTOMERS));
  });
});
