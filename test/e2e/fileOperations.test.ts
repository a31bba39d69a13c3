import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, visible, type AppUnderTest } from './appUnderTest.ts';
import { fileRow, pane, startOnFilePane, transferRow, type FilePaneSession, dropOnPane } from './filePane.ts';
import { showScreen } from './accessibility.ts';
import { randomFile, sha256 } from '../core/transfers/transferTestKit.ts';
import { nodeOwned } from '../core/support/nodeOwned.ts';

/*
 * What a user does to files through the pane's menus and dialogs: download, rename, edit, delete
 * (and change their mind), and each answer to "File already exists" in both directions, once or
 * for a whole batch. (The SQL export is in sqlExport.test.ts.)
 * Every result is checked where it lands: in the node's home on this machine (each sandbox node's
 * sshd runs here) or in the local folder.
 */

let session: FilePaneSession;
let app: AppUnderTest;
let local: string;
let nodeHome: string;
let remoteHome: string;

/** Writes a file as the test's user; `await nodeOwned(…)` then gives it to the node's. */
const writeTo = (path: string, text: string): string => {
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  session = await startOnFilePane('e2e-file-ops-');
  ({ app, local, nodeHome, remoteHome } = session);
});
afterAll(() => session?.stop());

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

/** Downloads the selected entries (the toolbar's Download) into the local `folder`, as typed. */
async function downloadSelected(page: Page, title: string, folder: string, shot?: string): Promise<void> {
  await pane(page).getByRole('button', { name: 'Download', exact: true }).click();
  const dialog = await visible(page.getByRole('dialog', { name: title }));
  await dialog.getByLabel('To the local folder').fill(folder);
  if (shot) await showScreen(page, shot);
  await dialog.getByRole('button', { name: 'Download' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Answers the "File already exists" dialog; with `all`, for every conflict of its transfer. */
async function answer(page: Page, choice: 'Skip' | 'Overwrite' | 'Keep both', all = false): Promise<void> {
  const dialog = await visible(page.getByRole('alertdialog', { name: 'File already exists' }));
  if (all) await dialog.getByRole('checkbox', { name: /Apply to all conflicts/ }).check({ force: true });
  await dialog.getByRole('button', { name: choice }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('file operations on node 518839', () => {
  it('downloads a binary file into a local folder, byte for byte', async () => {
    const { page } = app;
    await randomFile(join(nodeHome, 'backup.bin'), 3 * 1024 * 1024 + 17);
    await refresh(page);
    const into = join(local, 'downloads');
    mkdirSync(into);
    await fileRow(page, 'backup.bin').click();
    await downloadSelected(page, 'Download backup.bin', into, 'files-download');
    await visible(transferRow(page, 'backup.bin', 'Done', 'Download'));
    expect(await sha256(join(into, 'backup.bin'))).toBe(await sha256(join(nodeHome, 'backup.bin')));
  });

  it('renames a file, refusing a name with a slash first', async () => {
    const { page } = app;
    await nodeOwned(writeTo(join(nodeHome, 'draft.txt'), 'the draft\n'));
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
    await nodeOwned(writeTo(join(nodeHome, 'config.ini'), '[site]\ndebug = true\n'));
    await refresh(page);
    await act(page, 'config.ini', 'Quick edit');
    const dialog = await visible(
      page.getByRole('dialog', { name: `Edit ${join(remoteHome, 'config.ini')}` }),
    );
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
    await nodeOwned(join(nodeHome, 'old-release'));
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
    await nodeOwned(writeTo(join(nodeHome, 'notes.md'), 'on the node\n'));
    await refresh(page);
    const mine = join(local, 'notes.md');
    writeFileSync(mine, 'from this computer\n');

    await dropOnPane(page, [mine]);
    await answer(page, 'Skip');
    await visible(transferRow(page, 'notes.md', 'Skipped', 'Upload'));
    expect(readFileSync(join(nodeHome, 'notes.md'), 'utf8')).toBe('on the node\n');
    await dropOnPane(page, [mine]);
    await answer(page, 'Overwrite');
    await eventually(
      async () => readFileSync(join(nodeHome, 'notes.md'), 'utf8'),
      (text) => expect(text).toBe('from this computer\n'),
    );

    // Downloads into the folder that holds a notes.md of its own.
    await nodeOwned(writeTo(join(nodeHome, 'notes.md'), 'changed on the node\n'));
    const download = async () => {
      await act(page, 'notes.md', 'Download');
      const dialog = await visible(page.getByRole('dialog', { name: 'Download notes.md' }));
      await dialog.getByLabel('To the local folder').fill(local);
      await dialog.getByRole('button', { name: 'Download' }).click();
    };
    await download();
    await answer(page, 'Skip');
    await visible(transferRow(page, 'notes.md', 'Skipped', 'Download'));
    expect(readFileSync(mine, 'utf8')).toBe('from this computer\n');
    await download();
    await answer(page, 'Overwrite');
    await eventually(
      async () => readFileSync(mine, 'utf8'),
      (text) => expect(text).toBe('changed on the node\n'),
    );
  });

  it('deletes a file only once confirmed', async () => {
    const { page } = app;
    await nodeOwned(writeTo(join(nodeHome, 'obsolete.log'), 'old lines\n'));
    await refresh(page);
    await act(page, 'obsolete.log', 'Delete');
    let confirm = await visible(page.getByRole('alertdialog', { name: 'Delete obsolete.log?' }));
    expect(await confirm.innerText()).toContain(join(remoteHome, 'obsolete.log'));
    await showScreen(page, 'files-delete-file');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(readFileSync(join(nodeHome, 'obsolete.log'), 'utf8')).toBe('old lines\n');

    await act(page, 'obsolete.log', 'Delete');
    confirm = await visible(page.getByRole('alertdialog', { name: 'Delete obsolete.log?' }));
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await fileRow(page, 'obsolete.log').waitFor({ state: 'detached' });
    expect(existsSync(join(nodeHome, 'obsolete.log'))).toBe(false);
    // Only that file: its neighbours are still there.
    expect(existsSync(join(nodeHome, 'README.txt'))).toBe(true);
  });

  it('keeps both on download, saving the node’s file under the next free name', async () => {
    const { page } = app;
    const into = join(local, 'keep-both');
    mkdirSync(into);
    writeFileSync(join(into, 'photo.jpg'), 'the local photo');
    writeFileSync(join(into, 'photo (1).jpg'), 'an earlier copy');
    await randomFile(join(nodeHome, 'photo.jpg'), 64 * 1024);
    await refresh(page);
    await fileRow(page, 'photo.jpg').click();
    await downloadSelected(page, 'Download photo.jpg', into);
    const dialog = await visible(page.getByRole('alertdialog', { name: 'File already exists' }));
    expect(await dialog.innerText()).toContain(join(into, 'photo.jpg'));
    await showScreen(page, 'files-conflict-download');
    await answer(page, 'Keep both');
    await visible(transferRow(page, 'photo.jpg', 'Done', 'Download'));
    expect(await sha256(join(into, 'photo (2).jpg'))).toBe(await sha256(join(nodeHome, 'photo.jpg')));
    expect(readFileSync(join(into, 'photo.jpg'), 'utf8')).toBe('the local photo');
    expect(readFileSync(join(into, 'photo (1).jpg'), 'utf8')).toBe('an earlier copy');
  });

  it('answers once for the whole batch with “Apply to all”', async () => {
    const { page } = app;
    const into = join(local, 'batch');
    mkdirSync(into);
    for (const name of ['alpha.txt', 'beta.txt']) {
      writeFileSync(join(into, name), `local ${name}\n`);
      await nodeOwned(writeTo(join(nodeHome, name), `node ${name}\n`));
    }
    await refresh(page);
    await fileRow(page, 'alpha.txt').click();
    await fileRow(page, 'beta.txt').click({ modifiers: ['Control'] });
    await downloadSelected(page, 'Download 2 items', into);
    await answer(page, 'Overwrite', true);
    await visible(transferRow(page, 'alpha.txt', 'Done', 'Download'));
    await visible(transferRow(page, 'beta.txt', 'Done', 'Download'));
    for (const name of ['alpha.txt', 'beta.txt'])
      expect(readFileSync(join(into, name), 'utf8')).toBe(`node ${name}\n`);
    // Both are done, so no second question can still come.
    expect(await page.getByRole('alertdialog', { name: 'File already exists' }).count()).toBe(0);
  });
});
