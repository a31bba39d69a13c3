import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  readClipboard,
  setRenderer,
  startApp,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { fileRow, pane, transferRow, dropOnPane } from './filePane.ts';
import { showScreen } from './accessibility.ts';
import { dropFiles } from './dropFiles.ts';
import { sha256 } from '../core/transfers/transferTestKit.ts';

let app: AppUnderTest;
let local: string;
/** Node 518839's file tree: the sandbox runs each node's sshd on this machine, in its own home. */
let nodeHome: string;

beforeAll(async () => {
  app = await startApp();
  local = await mkdtemp(join(tmpdir(), 'e2e-files-'));
  nodeHome = app.nodeHome(518839);
  await completeFirstRun(app.page);
  await setRenderer(app.page, 'DOM');
});
afterAll(async () => {
  await app?.close();
  if (local) await rm(local, { recursive: true, force: true });
});

/** Every file under `dir`, as relative paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

describe('the file pane of node 518839', () => {
  it('lists the node’s home', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open files on node 518839' }).click();
    await visible(pane(page));
    await visible(fileRow(page, 'README'));
    // The node's own paths, as on the platform: the Apache node's home is /var/www.
    const crumbs = (await pane(page).locator('.crumbs').innerText()).replace(/\s+/g, ' ');
    expect(crumbs).toMatch(/var\W+www/);
    expect(crumbs).not.toMatch(/tmp|enscale-sandbox|nodes/);
    await showScreen(page, 'files-1-home');
  });

  it('uploads into the web root a file apache owns and its web server serves', async () => {
    const { page } = app;
    await fileRow(page, 'webroot').dblclick();
    await visible(fileRow(page, 'ROOT'));
    const file = join(local, 'hello.html');
    writeFileSync(file, '<h1>uploaded by Enscale SSH</h1>\n');
    await dropFiles(fileRow(page, 'ROOT'), [file]);
    await visible(transferRow(page, 'hello.html', 'Done'));
    // Owned on the node by the node's user (uid 48, apache), whoever runs the sandbox.
    expect(statSync(join(nodeHome, 'webroot', 'ROOT', 'hello.html')).uid).toBe(48);
    // The node's web server, busybox httpd running as apache, serves it.
    const web = app.web.ready.sandbox!.nodes.find((node) => node.id === 518839)!.web!;
    const reply = await fetch(`${web}/hello.html`);
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe('<h1>uploaded by Enscale SSH</h1>\n');
    await pane(page).locator('.crumbs').getByText('www', { exact: true }).click();
    await visible(fileRow(page, 'README'));
  });

  it('uploads a 50 MB file dropped from the desktop, byte for byte', async () => {
    const { page } = app;
    const file = join(local, 'drop-50mb.bin');
    writeFileSync(file, randomBytes(50 * 1024 * 1024));
    await dropOnPane(page, [file]);
    await visible(transferRow(page, 'drop-50mb.bin', 'Done'));
    await visible(fileRow(page, 'drop-50mb.bin'));
    await showScreen(page, 'files-2-after-drop');
    expect(await sha256(join(nodeHome, 'drop-50mb.bin'))).toBe(await sha256(file));
  });

  it('uploads a dropped folder with its subfolders', async () => {
    const { page } = app;
    const folder = join(local, 'site');
    mkdirSync(join(folder, 'css', 'vendor'), { recursive: true });
    writeFileSync(join(folder, 'index.html'), '<h1>hello</h1>\n');
    writeFileSync(join(folder, 'css', 'site.css'), 'body { color: red }\n');
    writeFileSync(join(folder, 'css', 'vendor', 'lib.bin'), randomBytes(3 * 1024 * 1024 + 17));
    await dropOnPane(page, [folder]);
    await visible(transferRow(page, 'site', 'Done'));
    await visible(fileRow(page, 'site'));
    const remote = join(nodeHome, 'site');
    expect(filesUnder(remote)).toEqual(filesUnder(folder));
    for (const name of filesUnder(folder))
      expect(await sha256(join(remote, name)), name).toBe(await sha256(join(folder, name)));
  });

  it('leaves the skip list out of a dropped folder, and says which names were skipped', async () => {
    const { page } = app;
    const folder = join(local, 'from-a-mac');
    mkdirSync(folder);
    writeFileSync(join(folder, 'page.html'), '<p>kept</p>\n');
    writeFileSync(join(folder, '.DS_Store'), 'Finder state');
    // On the site folder's row (the table's top now holds folder rows, where a drop would land anyway).
    await dropFiles(fileRow(page, 'site'), [folder]);
    const row = transferRow(page, 'from-a-mac', 'Done');
    await visible(row);
    await visible(row.getByText('1 name skipped'));
    expect(await row.getByText('1 name skipped').getAttribute('title')).toBe(
      '".DS_Store": matches the upload skip list (".DS_Store")',
    );
    expect(readdirSync(join(nodeHome, 'site', 'from-a-mac'))).toEqual(['page.html']);
  });

  it('downloads a folder into the typed folder, saving a name no local file may have as %XX', async () => {
    const { page } = app;
    mkdirSync(join(nodeHome, 'odd-names'));
    writeFileSync(join(nodeHome, 'odd-names', 'fine.txt'), 'fine\n');
    writeFileSync(join(nodeHome, 'odd-names', 'bell\u0007.txt'), 'bell\n');
    await pane(page).getByRole('button', { name: 'Refresh' }).click();
    await fileRow(page, 'odd-names').click();
    await pane(page).getByRole('button', { name: 'Download', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Download odd-names' });
    const folder = dialog.getByLabel('To the local folder');
    // Offered: the Downloads folder (or the home folder) of the computer the core runs on.
    expect(await folder.inputValue()).toMatch(/^\//);
    // A relative folder would land wherever the app was started: refused before anything starts.
    await folder.fill('relative/folder');
    await visible(dialog.getByText(/Type the full path of a folder/));
    expect(await dialog.getByRole('button', { name: 'Download' }).isDisabled()).toBe(true);
    const into = join(local, 'downloads');
    await folder.fill(into);
    await dialog.getByRole('button', { name: 'Download' }).click();
    const row = transferRow(page, 'odd-names', 'Done');
    await visible(row);
    await visible(row.getByText('saved as "bell%07.txt"'));
    await showScreen(page, 'files-download-saved-as');
    expect(readdirSync(join(into, 'odd-names')).sort()).toEqual(['bell%07.txt', 'fine.txt']);
    expect(readFileSync(join(into, 'odd-names', 'bell%07.txt'), 'utf8')).toBe('bell\n');
  });

  it('uploads a file dropped on a folder row into that folder', async () => {
    const { page } = app;
    const file = join(local, 'into-site.txt');
    writeFileSync(file, 'dropped on the site folder\n');
    await dropFiles(fileRow(page, 'site'), [file]);
    await visible(transferRow(page, 'into-site.txt', 'Done'));
    expect(readFileSync(join(nodeHome, 'site', 'into-site.txt'), 'utf8')).toBe(
      'dropped on the site folder\n',
    );
    expect(existsSync(join(nodeHome, 'into-site.txt'))).toBe(false);
  });

  it('opens the context menu of the row under the pointer', async () => {
    const { page } = app;
    await fileRow(page, 'README').click({ button: 'right' });
    expect(await fileRow(page, 'README').getAttribute('aria-selected')).toBe('true');
    const menu = await visible(page.getByRole('menu', { name: 'File actions' }));
    await showScreen(page, 'files-context-menu');
    await menu.getByRole('menuitem', { name: 'Copy path' }).click();
    await eventually(
      () => readClipboard(page),
      (text) => expect(text).toBe(join(app.nodeRemoteHome(518839), 'README.txt')),
    );
  });

  it('changes permissions, as ls -l on the node shows', async () => {
    const { page } = app;
    await fileRow(page, 'drop-50mb.bin').click();
    await page.getByRole('button', { name: 'More file actions' }).click();
    await page.getByRole('menuitem', { name: 'Change permissions' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: /Permissions of drop-50mb.bin/ }));
    await dialog.getByLabel('Mode').fill('640');
    await showScreen(page, 'files-chmod');
    await dialog.getByRole('button', { name: 'Change' }).click();
    await eventually(
      async () => spawnSync('ls', ['-l', join(nodeHome, 'drop-50mb.bin')], { encoding: 'utf8' }).stdout,
      (listing) => expect(listing).toMatch(/^-rw-r-----/),
    );
  });
});

describe('SQL on the database node 518840', () => {
  it('imports a .sql.gz dropped on the node, creating its tables', async () => {
    const { page } = app;
    const db = app.web.ready.sandbox!.database!;
    const rows = Array.from({ length: 1000 }, (_, i) => `(${i + 1}, 'item ${i + 1}')`).join(',\n');
    const dump = join(local, 'e2e-items.sql.gz');
    writeFileSync(
      dump,
      gzipSync(
        'DROP TABLE IF EXISTS e2e_items;\nCREATE TABLE e2e_items (id INT PRIMARY KEY, name VARCHAR(40));\n' +
          `INSERT INTO e2e_items VALUES\n${rows};\n` +
          "DROP TABLE IF EXISTS e2e_tags;\nCREATE TABLE e2e_tags (tag VARCHAR(20));\nINSERT INTO e2e_tags VALUES ('a'), ('b'), ('c');\n",
      ),
    );
    const row = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: 'Open terminal on node 518840' }) });
    await dropFiles(row, [dump]);
    const dialog = await visible(
      page.getByRole('dialog', { name: 'Import e2e-items.sql.gz into node 518840' }),
    );
    expect(await dialog.getByLabel('Database').inputValue()).toBe(app.web.ready.sandbox!.database!.name);
    await showScreen(page, 'sql-import-dialog');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^Imported/ }));
    await showScreen(page, 'sql-import-done');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Counted with mysql on the node itself.
    await page.getByRole('button', { name: 'Open terminal on node 518840' }).click();
    const term = terminal(page, 'Terminal on node 518840');
    await visible(page.getByRole('tab', { name: /518840.*\(connected\)/ }));
    await typeIn(
      term,
      // As the node's user (mysql), with the database's own login, as on the platform.
      `mysql -u ${db.user} -p${db.password} -B -N -e 'select count(*) from e2e_items; select count(*) from e2e_tags' ${db.name}\r`,
    );
    await waitForScreen(term, /^1000\s*\n3\s*$/m);
  });

  it('shows the server’s error, with its line, for a broken dump', async () => {
    const { page } = app;
    const dump = join(local, 'broken.sql');
    writeFileSync(dump, 'CREATE TABLE e2e_ok (id INT);\nINSERT INTO e2e_ok VALUES (1);\nTHIS IS NOT SQL;\n');
    await page.getByRole('button', { name: 'More actions for node 518840' }).click();
    await page.getByRole('menuitem', { name: 'Import SQL into node 518840' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: /into node 518840/ }));
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose file' }).click();
    await (await chooser).setFiles(dump);
    await dialog.getByRole('button', { name: 'Import' }).click();
    const error = await visible(dialog.getByRole('alert'));
    expect(await error.innerText()).toMatch(/ERROR 1064[\s\S]*line 3/);
    await showScreen(page, 'sql-import-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
