import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedEditor } from '../core/edits/scriptedEditor.ts';
import { nodeOwned } from '../core/support/nodeOwned.ts';
import { sha256 } from '../core/transfers/transferTestKit.ts';
import { showScreen } from './accessibility.ts';
import { eventually, openPage, visible, type AppUnderTest } from './appUnderTest.ts';
import { fileRow, pane, startOnFilePane, type FilePaneSession } from './filePane.ts';

/*
 * "Edit" on a file of node 518839, in Chromium against the sandbox, with the test editor
 * (test/core/edits/testEditor.mjs) chosen in Settings → Editor: it appends a line and saves when told.
 * Every save is checked where it lands, on the node's disk (the sandbox keeps it on this machine),
 * by SHA-256 against what the editor saved.
 */

let session: FilePaneSession;
let app: AppUnderTest;
const editors: ScriptedEditor[] = [];

beforeAll(async () => {
  session = await startOnFilePane('e2e-edit-');
  ({ app } = session);
});
afterAll(async () => {
  for (const editor of editors) {
    editor.quit();
    editor.remove();
  }
  await session?.stop();
});

/** Chooses the editor in Settings → Editor, then shows the file pane again. */
async function chooseEditor(page: Page, editor: ScriptedEditor, shot?: string): Promise<void> {
  const settings = await openPage(page, 'Settings');
  const field = settings.getByLabel('Editor command');
  await field.fill(editor.command);
  await field.blur();
  const saved = await visible(settings.getByText(`Saved: files open with ${editor.command}.`));
  await saved.scrollIntoViewIfNeeded();
  if (shot) await showScreen(page, shot);
  await page.getByRole('button', { name: 'Close Settings' }).click();
  await page.getByRole('tab', { name: /Files 518839/ }).click();
  await visible(pane(page));
}

async function writeOnNode(name: string, text: string): Promise<string> {
  const path = join(session.nodeHome, name);
  writeFileSync(path, text);
  await nodeOwned(path);
  await pane(app.page).getByRole('button', { name: 'Refresh' }).click();
  await visible(fileRow(app.page, name));
  return path;
}

const editLine = (page: Page, name: string) => pane(page).getByRole('listitem', { name: `Editing ${name}` });

/** Waits until the node's copy has the SHA-256 the editor saved. */
const arrives = (nodePath: string, hash: string) =>
  eventually(
    () => sha256(nodePath),
    (value) => expect(value).toBe(hash),
  );

describe('editing a node file in your own editor', () => {
  it('uploads every save, and asks before overwriting a change made on the node', async () => {
    const { page } = app;
    const editor = new ScriptedEditor(3);
    editors.push(editor);
    await chooseEditor(page, editor, 'edit-settings');
    const nodePath = await writeOnNode('page.html', '<h1>Shop</h1>\n');

    // From the row's context menu.
    await fileRow(page, 'page.html').click({ button: 'right' });
    await showScreen(page, 'edit-menu');
    await page.getByRole('menuitem', { name: 'Edit', exact: true }).click();
    const local = await editor.started();
    const line = await visible(editLine(page, 'page.html'));
    await visible(line.getByText('each save is uploaded'));
    expect(await sha256(local)).toBe(await sha256(nodePath));

    const first = await editor.save(1);
    await arrives(nodePath, first);
    await visible(line.getByText(/Uploaded at .* \(1 save\)\./));
    // The pane lists the folder again: the row shows the new size…
    const firstSize = Buffer.byteLength('<h1>Shop</h1>\nedit 1 by the test editor\n');
    await visible(fileRow(page, 'page.html').getByText(`${firstSize} B`, { exact: true }));
    // …and keeps the selection: Edit is still there for the row.
    expect(await fileRow(page, 'page.html').getAttribute('aria-selected')).toBe('true');
    await showScreen(page, 'edit-status');
    const second = await editor.save(2);
    await arrives(nodePath, second);
    await visible(line.getByText(/\(2 saves\)/));

    // Someone changes the file on the node; the next save asks first, showing both copies.
    appendFileSync(nodePath, '<!-- changed on the node -->\n');
    const nodeSide = await sha256(nodePath);
    const nodeSize = statSync(nodePath).size;
    editor.go(3);
    const question = await visible(page.getByRole('alertdialog', { name: 'page.html changed on the node' }));
    await visible(question.getByText('Your last upload'));
    await visible(question.getByText(new RegExp(`^${nodeSize} B, `)));
    const third = await editor.saved(3);
    const savedSize = Buffer.byteLength(
      '<h1>Shop</h1>\n' + [1, 2, 3].map((n) => `edit ${n} by the test editor\n`).join(''),
    );
    await visible(question.getByText(new RegExp(`^${savedSize} B, `)));
    await visible(line.getByText(/the node’s copy changed/));
    await showScreen(page, 'edit-conflict');
    expect(await sha256(nodePath)).toBe(nodeSide);
    await question.getByRole('button', { name: 'Overwrite' }).click();
    await arrives(nodePath, third);
    await visible(line.getByText(/\(3 saves\)/));

    // The editor closes the file (it quits after saving): the pane stops watching, the copy is gone.
    editor.quit();
    await line.waitFor({ state: 'detached' });
    expect(existsSync(dirname(local))).toBe(false);
  });

  it('keeps the node’s copy when asked to, and stops watching when the tab closes', async () => {
    const { page } = app;
    const editor = new ScriptedEditor(1);
    editors.push(editor);
    await chooseEditor(page, editor);
    const nodePath = await writeOnNode('robots.txt', 'User-agent: *\n');
    await fileRow(page, 'robots.txt').click();
    await pane(page).getByRole('button', { name: 'Edit', exact: true }).click();
    const local = await editor.started();
    const line = await visible(editLine(page, 'robots.txt'));

    appendFileSync(nodePath, 'Disallow: /admin\n');
    const nodeSide = await sha256(nodePath);
    editor.go(1);
    const question = await visible(page.getByRole('alertdialog', { name: 'robots.txt changed on the node' }));
    await visible(question.getByText('When you opened it'));
    await question.getByRole('button', { name: 'Keep the node’s copy' }).click();
    await visible(line.getByText('Your last save is not on the node: you kept the node’s copy.'));
    expect(await sha256(nodePath)).toBe(nodeSide);

    // Stopping by hand asks first, since the save is not on the node.
    await line.getByRole('button', { name: 'Stop editing robots.txt' }).click();
    const confirm = await visible(page.getByRole('alertdialog', { name: 'Stop editing robots.txt?' }));
    await showScreen(page, 'edit-stop');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: /^Close Files 518839/ }).click();
    await pane(page).waitFor({ state: 'detached' });
    await eventually(
      async () => existsSync(dirname(local)),
      (exists) => expect(exists).toBe(false),
    );
    expect(await sha256(nodePath)).toBe(nodeSide);
  });
});
