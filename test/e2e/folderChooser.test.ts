import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  localKeyNames,
  openPage,
  saveMeasurement,
  startApp,
  visible,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';
import { fileRow, pane, transferRow } from './filePane.ts';

/*
 * The browser host's folder chooser, as a user meets it behind "Choose…" in the Download, Export SQL
 * and Export private key dialogs: the core's folders (the web host runs with a HOME of this test's
 * own, so its Downloads folder is one made here), keyboard navigation, hidden folders, New folder,
 * a folder that cannot be opened, and each kind's folder remembered for the next time.
 */

let app: AppUnderTest;
let home: string;
const downloads = () => join(home, 'Downloads');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'e2e-folder-chooser-'));
  for (const folder of [
    'Downloads/projects',
    'Downloads/.hidden-stuff',
    'Downloads/archive',
    'dumps',
    'keys',
  ])
    mkdirSync(join(home, folder), { recursive: true });
  writeFileSync(join(home, 'Downloads', 'notes.txt'), 'a file: never listed by the chooser');
  app = await startApp({ env: { HOME: home } });
  await completeFirstRun(app.page);
  await app.page.getByRole('button', { name: 'Open files on node 518839' }).click();
  await visible(fileRow(app.page, 'README'));
});
afterAll(async () => {
  await app?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const chooserOf = (page: Page, title: string) => page.getByRole('dialog', { name: title });
const folderList = (chooser: Locator, path: string) =>
  chooser.getByRole('listbox', { name: `Folders in ${path}`, exact: true });
const optionNames = (list: Locator) => list.getByRole('option').allInnerTexts();

/** Puts a file on node 518839 and opens the Download dialog for it from the pane's toolbar. */
async function openDownload(page: Page, name: string, content: string): Promise<Locator> {
  writeFileSync(join(app.nodeHome(518839), name), content);
  await pane(page).getByRole('button', { name: 'Refresh' }).click();
  await fileRow(page, name).click();
  await pane(page).getByRole('button', { name: 'Download', exact: true }).click();
  return visible(page.getByRole('dialog', { name: `Download ${name}` }));
}

describe('the in-page folder chooser', () => {
  it('downloads into a folder chosen and made in the chooser', async () => {
    const { page } = app;
    const dialog = await openDownload(page, 'chosen.txt', 'into a folder made in the chooser\n');
    // Nothing chosen yet: the Downloads folder of the core's computer.
    expect(await dialog.getByLabel('To the local folder').inputValue()).toBe(downloads());
    await showScreen(page, 'folder-chooser-download-dialog');
    await dialog.getByRole('button', { name: 'Choose…' }).click();

    const chooser = await visible(chooserOf(page, 'Choose the folder to download into'));
    const list = await visible(folderList(chooser, downloads()));
    // Folders only, hidden ones left out until asked for.
    await expect.poll(() => optionNames(list)).toEqual(['archive', 'projects']);
    expect(await chooser.getByRole('button', { name: 'Choose “Downloads”' }).isEnabled()).toBe(true);
    await showScreen(page, 'folder-chooser');

    // The keyboard: the list has the focus when the chooser opens; typing finds a folder.
    await page.keyboard.type('pr');
    const projectsRow = list.getByRole('option', { name: 'projects' });
    await expect.poll(() => projectsRow.getAttribute('aria-selected')).toBe('true');
    await visible(chooser.getByRole('button', { name: 'Choose “projects”' }));

    await chooser.getByRole('checkbox', { name: /Show hidden folders/ }).check({ force: true });
    await expect.poll(() => optionNames(list)).toEqual(['.hidden-stuff', 'archive', 'projects']);
    await chooser.getByRole('checkbox', { name: /Show hidden folders/ }).uncheck({ force: true });
    await expect.poll(() => optionNames(list)).toEqual(['archive', 'projects']);

    // Enter opens the highlighted folder.
    await list.focus();
    await page.keyboard.press('Enter');
    const projects = join(downloads(), 'projects');
    await visible(folderList(chooser, projects));
    await visible(chooser.getByText('No folders in here.'));

    // New folder: a name the OS would not keep is refused with the reason; a good one is made and opened.
    await chooser.getByRole('button', { name: 'New folder' }).click();
    const name = chooser.getByLabel('Name of the new folder');
    await name.fill('bad/name');
    await chooser.getByRole('button', { name: 'Make folder' }).click();
    await visible(chooser.getByRole('alert').filter({ hasText: 'cannot contain "/"' }));
    await showScreen(page, 'folder-chooser-new-folder-refused');
    expect(existsSync(join(projects, 'bad'))).toBe(false);
    await name.fill('Releases');
    await chooser.getByRole('button', { name: 'Make folder' }).click();
    const releases = join(projects, 'Releases');
    await visible(folderList(chooser, releases));
    expect(existsSync(releases)).toBe(true);
    await showScreen(page, 'folder-chooser-new-folder');
    await chooser.getByRole('button', { name: 'Choose “Releases”' }).click();
    await chooser.waitFor({ state: 'detached' });

    expect(await dialog.getByLabel('To the local folder').inputValue()).toBe(releases);
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await visible(transferRow(page, 'chosen.txt', 'Done', 'Download'));
    expect(readFileSync(join(releases, 'chosen.txt'), 'utf8')).toBe('into a folder made in the chooser\n');
  });

  it('starts the next download at the remembered folder, and says why a folder cannot be opened', async () => {
    const { page } = app;
    const releases = join(downloads(), 'projects', 'Releases');
    const dialog = await openDownload(page, 'again.txt', 'again\n');
    expect(await dialog.getByLabel('To the local folder').inputValue()).toBe(releases);
    await dialog.getByRole('button', { name: 'Choose…' }).click();
    const chooser = await visible(chooserOf(page, 'Choose the folder to download into'));
    await visible(folderList(chooser, releases));

    // Up, the breadcrumb and the places move about; a path typed into the field opens it.
    await chooser.getByRole('button', { name: 'Up to the folder above' }).click();
    await visible(folderList(chooser, join(downloads(), 'projects')));
    await chooser
      .getByRole('navigation', { name: 'Places on this computer' })
      .getByRole('button', { name: 'Home' })
      .click();
    await visible(folderList(chooser, home));
    const field = chooser.getByLabel('Folder', { exact: true });
    await field.fill(join(home, 'no-such-folder'));
    await field.press('Enter');
    await visible(
      chooser
        .getByRole('alert')
        .filter({ hasText: `${join(home, 'no-such-folder')} does not exist on this computer` }),
    );
    // Still where it was, ready to go on.
    await visible(folderList(chooser, home));
    await showScreen(page, 'folder-chooser-not-found');
    await field.fill('relative/path');
    await field.press('Enter');
    await visible(
      chooser.getByRole('alert').filter({ hasText: /must be a full path such as \/home\/you\/Downloads/ }),
    );

    // Cancel leaves the dialog's folder as it was.
    await chooser.getByRole('button', { name: 'Cancel' }).click();
    await chooser.waitFor({ state: 'detached' });
    expect(await dialog.getByLabel('To the local folder').inputValue()).toBe(releases);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('chooses the SQL export’s folder, keeps the file name, and starts there the next time', async () => {
    const { page } = app;
    const database = app.web.ready.sandbox!.database!.name;
    const openExport = async () => {
      await page.getByRole('button', { name: 'More actions for node 518840' }).click();
      await page.getByRole('menuitem', { name: 'Export SQL from node 518840' }).click();
      return visible(page.getByRole('dialog', { name: 'Export SQL from node 518840' }));
    };
    const dialog = await openExport();
    const path = dialog.getByLabel('Save to (a file on this computer)');
    // Its own kind: not the download's remembered folder.
    await expect.poll(() => path.inputValue()).toBe(join(downloads(), `${database}.sql.gz`));
    await dialog.getByRole('button', { name: 'Choose…' }).click();
    const chooser = await visible(chooserOf(page, 'Choose a folder for the SQL export'));
    await visible(folderList(chooser, downloads()));
    const field = chooser.getByLabel('Folder', { exact: true });
    await field.fill(join(home, 'dumps'));
    await field.press('Enter');
    await visible(folderList(chooser, join(home, 'dumps')));
    await chooser.getByRole('button', { name: 'Choose “dumps”' }).click();
    await chooser.waitFor({ state: 'detached' });
    const file = join(home, 'dumps', `${database}.sql.gz`);
    expect(await path.inputValue()).toBe(file);
    await showScreen(page, 'folder-chooser-sql-export');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Exported/ }));
    expect(gunzipSync(readFileSync(file)).toString('utf8')).toMatch(/CREATE TABLE|INSERT INTO|-- Dump/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    const again = await openExport();
    await expect.poll(() => again.getByLabel('Save to (a file on this computer)').inputValue()).toBe(file);
    await again.getByRole('button', { name: 'Choose…' }).click();
    const next = await visible(chooserOf(page, 'Choose a folder for the SQL export'));
    await visible(folderList(next, join(home, 'dumps')));
    await page.keyboard.press('Escape');
    await next.waitFor({ state: 'detached' });
    await again.getByRole('button', { name: 'Cancel' }).click();
    await again.waitFor({ state: 'detached' });
  });

  it('chooses the key export’s folder, and starts there the next time', async () => {
    const { page } = app;
    await openPage(page, 'Keys');
    const [key] = await localKeyNames(page);
    const openExport = async () => {
      await page.getByRole('button', { name: `Actions for ${key}`, exact: true }).click();
      await page.getByRole('menuitem', { name: 'Export private key…' }).click();
      return visible(page.getByRole('dialog', { name: `Export the private key ${key}` }));
    };
    const dialog = await openExport();
    const path = dialog.getByLabel('Save as');
    await expect.poll(() => path.inputValue()).toMatch(new RegExp(`^${downloads()}/[^/]+\\.ppk$`));
    const fileName = (await path.inputValue()).split('/').at(-1)!;
    await dialog.getByRole('button', { name: 'Choose…' }).click();
    const chooser = await visible(chooserOf(page, 'Choose a folder for the private key'));
    // Its own kind again: Downloads, neither the download's folder nor the SQL export's.
    await visible(folderList(chooser, downloads()));
    await chooser
      .getByRole('navigation', { name: 'Places on this computer' })
      .getByRole('button', { name: 'Home' })
      .click();
    const list = await visible(folderList(chooser, home));
    await list.getByRole('option', { name: 'keys' }).dblclick();
    await visible(folderList(chooser, join(home, 'keys')));
    await chooser.getByRole('button', { name: 'Choose “keys”' }).click();
    await chooser.waitFor({ state: 'detached' });
    const file = join(home, 'keys', fileName);
    expect(await path.inputValue()).toBe(file);
    await showScreen(page, 'folder-chooser-key-export');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await visible(page.getByText(`Exported ${key} to ${file} (PuTTY .ppk).`));
    expect(readFileSync(file, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa/);

    const again = await openExport();
    await expect.poll(() => again.getByLabel('Save as').inputValue()).toBe(file);
    await again.getByRole('button', { name: 'Choose…' }).click();
    const next = await visible(chooserOf(page, 'Choose a folder for the private key'));
    await visible(folderList(next, join(home, 'keys')));
    await next.getByRole('button', { name: 'Cancel' }).click();
    await again.getByRole('button', { name: 'Cancel' }).click();
    await again.waitFor({ state: 'detached' });
  });

  it('shows a folder of 10,000 folders with only the rows in view in the page', async () => {
    const { page } = app;
    const big = join(home, 'big');
    mkdirSync(big);
    for (let i = 0; i < 10_000; i++) mkdirSync(join(big, `folder ${i}`));
    // Back from the Keys page to the file pane's tab.
    await page.getByRole('tab', { name: /^Files 518839/ }).click();
    const dialog = await openDownload(page, 'big.txt', 'x\n');
    await dialog.getByRole('button', { name: 'Choose…' }).click();
    const chooser = await visible(chooserOf(page, 'Choose the folder to download into'));
    const field = chooser.getByLabel('Folder', { exact: true });
    await field.fill(big);
    const started = Date.now();
    await field.press('Enter');
    const list = await visible(folderList(chooser, big));
    await visible(list.getByRole('option', { name: 'folder 0', exact: true }));
    const shown = Date.now() - started;
    const rows = await list.getByRole('option').count();
    expect(rows).toBeLessThan(100);
    expect(await list.getByRole('option').first().getAttribute('aria-setsize')).toBe('10000');
    await list.focus();
    const endStarted = Date.now();
    await page.keyboard.press('End');
    await visible(list.getByRole('option', { name: 'folder 9999', exact: true }));
    const end = Date.now() - endStarted;
    await showScreen(page, 'folder-chooser-10000');
    saveMeasurement('folder-chooser-10000', {
      folders: 10_000,
      rowsInPage: rows,
      shownMs: shown,
      endMs: end,
    });
    await chooser.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
