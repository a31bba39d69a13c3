import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  setRenderer,
  startApp,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { dropZone, fileRow, pane, transferRow } from './filePane.ts';
import { showScreen } from './accessibility.ts';
import { dropFiles } from './dropFiles.ts';

/*
 * What a user does to files through the pane's menus and dialogs: rename, edit, delete (and
 * change their mind), the answers to "File already exists" in both directions, and an SQL export.
 * Every result is checked where it lands: in the node's home on this machine (each sandbox node's
 * sshd runs here) or in the local folder.
 */

let app: AppUnderTest;
let local: string;
let nodeHome: string;

beforeAll(async () => {
  app = await startApp();
  local = await mkdtemp(join(tmpdir(), 'e2e-file-ops-'));
  nodeHome = app.nodeHome(518839);
  await completeFirstRun(app.page);
  await setRenderer(app.page, 'DOM');
  await app.page.getByRole('button', { name: 'Open files on node 518839' }).click();
  await visible(fileRow(app.page, 'README'));
});
afterAll(async () => {
  await app?.close();
  if (local) await rm(local, { recursive: true, force: true });
});

/** Shows the node's files again (the test changed them behind the pane's back). */
async function refresh(page: Page): Promise<void> {
  await pane(page).getByRole('button', { name: 'Refresh' }).click();
}

/** Picks `action` from the toolbar's "More file actions" menu for the selected row `name`. */
async function act(page: Page, name: string, action: string): Promise<void> {
  await fileRow(page, name).click();
  await pane(page).getByRole('button', { name: 'More file actions' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

describe('file operations on node 518839', () => {
  it('renames a file, refusing a name with a slash first', async () => {
    const { page } = app;
    writeFileSync(join(nodeHome, 'draft.txt'), 'the draft\n');
    await refresh(page);
    await act(page, 'draft.txt', 'Rename');
    const dialog = await visible(page.getByRole('dialog', { name: 'Rename draft.txt' }));
    const name = dialog.getByLabel('New name');
    await name.fill('../escaped.txt');
    await visible(dialog.getByText('A name cannot contain “/”.'));
    expect(await dialog.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    await name.fill('final.txt');
    await showScreen(page, 'files-rename');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await visible(fileRow(page, 'final.txt'));
    expect(readFileSync(join(nodeHome, 'final.txt'), 'utf8')).toBe('the draft\n');
    expect(existsSync(join(nodeHome, 'draft.txt'))).toBe(false);
    expect(existsSync(join(nodeHome, '..', 'escaped.txt'))).toBe(false);
  });

  it('edits a text file in place', async () => {
    const { page } = app;
    writeFileSync(join(nodeHome, 'config.ini'), '[site]\ndebug = true\n');
    await refresh(page);
    await act(page, 'config.ini', 'Edit');
    const dialog = await visible(page.getByRole('dialog', { name: `Edit ${join(nodeHome, 'config.ini')}` }));
    const contents = dialog.getByLabel('Contents');
    expect(await contents.inputValue()).toBe('[site]\ndebug = true\n');
    await contents.fill('[site]\ndebug = false\n');
    await showScreen(page, 'files-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(readFileSync(join(nodeHome, 'config.ini'), 'utf8')).toBe('[site]\ndebug = false\n');
  });

  it('deletes a folder with what is in it only once confirmed', async () => {
    const { page } = app;
    mkdirSync(join(nodeHome, 'old-release', 'assets'), { recursive: true });
    writeFileSync(join(nodeHome, 'old-release', 'assets', 'app.js'), 'console.log(1);\n');
    await refresh(page);
    await act(page, 'old-release', 'Delete');
    let confirm = await visible(page.getByRole('alertdialog', { name: 'Delete old-release?' }));
    await showScreen(page, 'files-delete');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(existsSync(join(nodeHome, 'old-release', 'assets', 'app.js'))).toBe(true);

    await act(page, 'old-release', 'Delete');
    confirm = await visible(page.getByRole('alertdialog', { name: 'Delete old-release?' }));
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await fileRow(page, 'old-release').waitFor({ state: 'detached' });
    expect(existsSync(join(nodeHome, 'old-release'))).toBe(false);
  });

  it('overwrites or skips an existing file, as answered, on upload and on download', async () => {
    const { page } = app;
    writeFileSync(join(nodeHome, 'notes.md'), 'on the node\n');
    await refresh(page);
    const mine = join(local, 'notes.md');
    writeFileSync(mine, 'from this computer\n');
    const answer = async (choice: 'Skip' | 'Overwrite') => {
      const dialog = await visible(page.getByRole('alertdialog', { name: 'File already exists' }));
      await dialog.getByRole('button', { name: choice }).click();
      await dialog.waitFor({ state: 'detached' });
    };

    await dropFiles(dropZone(page), [mine]);
    await answer('Skip');
    await visible(transferRow(page, 'notes.md', 'Skipped', 'Upload'));
    expect(readFileSync(join(nodeHome, 'notes.md'), 'utf8')).toBe('on the node\n');
    await dropFiles(dropZone(page), [mine]);
    await answer('Overwrite');
    await eventually(
      async () => readFileSync(join(nodeHome, 'notes.md'), 'utf8'),
      (text) => expect(text).toBe('from this computer\n'),
    );

    // Downloads into the folder that holds a notes.md of its own.
    writeFileSync(join(nodeHome, 'notes.md'), 'changed on the node\n');
    const download = async () => {
      await act(page, 'notes.md', 'Download');
      const dialog = await visible(page.getByRole('dialog', { name: 'Download notes.md' }));
      await dialog.getByLabel('To the local folder').fill(local);
      await dialog.getByRole('button', { name: 'Download' }).click();
    };
    await download();
    await answer('Skip');
    await visible(transferRow(page, 'notes.md', 'Skipped', 'Download'));
    expect(readFileSync(mine, 'utf8')).toBe('from this computer\n');
    await download();
    await answer('Overwrite');
    await eventually(
      async () => readFileSync(mine, 'utf8'),
      (text) => expect(text).toBe('changed on the node\n'),
    );
  });
});

describe('SQL export from the database node 518840', () => {
  it('writes the database’s tables and rows to the file chosen', async () => {
    const { page } = app;
    const database = app.web.ready.sandbox!.database!.name;
    await page.getByRole('button', { name: 'Open terminal on node 518840' }).click();
    const term = terminal(page, 'Terminal on node 518840');
    await visible(page.getByRole('tab', { name: /518840.*\(connected\)/ }));
    await typeIn(
      term,
      `mysql -e "DROP TABLE IF EXISTS e2e_export; CREATE TABLE e2e_export (id INT PRIMARY KEY, word VARCHAR(10)); INSERT INTO e2e_export VALUES (1, 'one'), (2, 'two')" ${database} && echo created-$((6*7))\r`,
    );
    await waitForScreen(term, /^created-42$/m);

    await page.getByRole('button', { name: 'More actions for node 518840' }).click();
    await page.getByRole('menuitem', { name: 'Export SQL from node 518840' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Export SQL from node 518840' }));
    expect(await dialog.getByLabel('Database').inputValue()).toBe(database);
    // Compressed, as the dialog offers by default.
    const file = join(local, 'shop-export.sql.gz');
    await dialog.getByLabel('Save to (a file on this computer)').fill(file);
    await showScreen(page, 'sql-export-dialog');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Exported/ }));
    await showScreen(page, 'sql-export-done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const dump = gunzipSync(readFileSync(file)).toString('utf8');
    expect(dump).toContain('CREATE TABLE `e2e_export`');
    expect(dump).toMatch(/INSERT INTO `e2e_export` VALUES\s*\(1,'one'\),\s*\(2,'two'\)/);
  });
});
