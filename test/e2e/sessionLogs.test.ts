import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  openPage,
  setRenderer,
  startApp,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

let app: AppUnderTest;
let dir: string;
let logFolder: string;
let openedFile: string;
const PATH_BEFORE = process.env['PATH'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-session-logs-'));
  logFolder = join(dir, 'logs');
  openedFile = join(dir, 'opened.txt');
  // The core opens a folder with the OS opener (xdg-open on Linux), which has no desktop here: this
  // one, first on the web host's PATH, writes down what it was asked to open.
  writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${openedFile}'\n`);
  chmodSync(join(dir, 'xdg-open'), 0o755);
  process.env['PATH'] = `${dir}:${PATH_BEFORE ?? ''}`;
  app = await startApp();
  process.env['PATH'] = PATH_BEFORE;
  await completeFirstRun(app.page);
  await setRenderer(app.page, 'DOM');
});
afterAll(async () => {
  process.env['PATH'] = PATH_BEFORE;
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'e2e-hunter2-not-for-logs';
const section = (page: Page) => page.getByRole('region', { name: 'Session logs', exact: true });
const nodeTab = (page: Page) => page.getByRole('tab', { name: /^518839 · shop \(connected\)/ });

/** The one log file in the folder, once it exists. */
async function theLog(): Promise<string> {
  let names: string[] = [];
  await eventually(
    async () => (names = readdirSync(logFolder)),
    (found) => expect(found).toHaveLength(1),
  );
  return join(logFolder, names[0]!);
}

describe('session logs', () => {
  it('are set in Settings: the switch, a checked folder, plain or raw', async () => {
    const { page } = app;
    await openPage(page, 'Settings');
    const logs = section(page);
    const folder = logs.getByLabel('Session log folder');
    await folder.scrollIntoViewIfNeeded();
    // A relative path would land wherever the core runs: the core refuses it and says why.
    await folder.fill('logs/here');
    await folder.blur();
    await visible(logs.getByText(/The log folder must be a full path such as \/home\/you\/Downloads/));
    await showScreen(page, 'session-logs-1-folder-refused');

    await folder.fill(logFolder);
    await folder.press('Enter');
    await visible(logs.getByText(`Saved: session logs go to ${logFolder}.`));
    await logs.getByText('Log terminal sessions to files').click();
    await visible(logs.getByText('Saved: new terminal tabs are logged.'));
    await visible(logs.getByText(`Logs go to ${logFolder}`));
    await showScreen(page, 'session-logs-2-settings');

    // "Choose…" opens the page's folder chooser near the folder in the field; a folder chosen is saved.
    await logs.getByRole('button', { name: 'Choose…' }).click();
    const chooser = await visible(page.getByRole('dialog', { name: 'Choose the folder for session logs' }));
    await showScreen(page, 'session-logs-2b-chooser');
    // The logs folder is made by the first log: the chooser opens at the nearest folder there is.
    await chooser.getByRole('button', { name: `Choose “${basename(dirname(logFolder))}”` }).click();
    await visible(logs.getByText(`Saved: session logs go to ${dirname(logFolder)}.`));
    await folder.fill(logFolder);
    await folder.press('Enter');
    await visible(logs.getByText(`Saved: session logs go to ${logFolder}.`));

    await logs.getByRole('button', { name: 'Open log folder' }).click();
    await eventually(
      async () => readFileSync(openedFile, 'utf8'),
      (text) => expect(text).toBe(`${logFolder}\n`),
    );
    expect(statSync(logFolder).isDirectory()).toBe(true);
    await page.getByRole('button', { name: 'Close Settings' }).click();
  });

  it('logs a node’s output, and not a password typed at a prompt that does not echo', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const tab = await visible(nodeTab(page));
    // The tab says it logs, to the eye (LOG) and to a screen reader.
    await eventually(
      () => tab.innerText(),
      (text) => expect(text).toMatch(/logging to a file/),
    );
    const term = terminal(page, 'Terminal on node 518839');
    await waitForScreen(term, /:~\$/);
    await typeIn(term, 'echo $((6*7))\r');
    await waitForScreen(term, /^42$/m);
    await typeIn(term, "read -r -s -p 'Password: ' secret; echo\r");
    await waitForScreen(term, /Password:/);
    await typeIn(term, `${PASSWORD}\r`);
    await typeIn(term, 'echo "got ${#secret} characters"\r');
    await waitForScreen(term, /^got 24 characters$/m);
    await showScreen(page, 'session-logs-3-logging-tab');

    const path = await theLog();
    expect(path).toMatch(/\/shop-518839-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.log$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await eventually(
      async () => readFileSync(path, 'utf8'),
      (text) => expect(text).toMatch(/^got 24 characters$/m),
    );
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\[Session log of node 518839 in shop, started /);
    expect(text).toMatch(/^42$/m);
    expect(text).toMatch(/^Password:$/m);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('\x1b');
  });

  it('stops and starts from the tab’s menu, and opens the log folder from it', async () => {
    const { page } = app;
    const path = await theLog();
    // The keyboard way: Shift+F10 on the focused tab.
    await nodeTab(page).focus();
    await page.keyboard.press('Shift+F10');
    const menu = await visible(page.getByRole('menu', { name: /^Actions for 518839 · shop/ }));
    await showScreen(page, 'session-logs-4-tab-menu');
    await menu.getByRole('menuitem', { name: 'Stop logging' }).click();
    await eventually(
      () => nodeTab(page).innerText(),
      (text) => expect(text).not.toMatch(/logging to a file/),
    );
    const term = terminal(page, 'Terminal on node 518839');
    await typeIn(term, 'echo not-$((1+1))-logged\r');
    await waitForScreen(term, /^not-2-logged$/m);
    expect(readFileSync(path, 'utf8')).not.toMatch(/^not-2-logged$/m);

    // The pointer way: the tab's ⋯ button. Start again: a new file.
    await page.getByRole('button', { name: /^Actions for 518839 · shop/ }).click();
    await page.getByRole('menuitem', { name: 'Start logging' }).click();
    await eventually(
      () => nodeTab(page).innerText(),
      (text) => expect(text).toMatch(/logging to a file/),
    );
    expect(readdirSync(logFolder)).toHaveLength(2);

    await page.getByRole('button', { name: /^Actions for 518839 · shop/ }).click();
    await page.getByRole('menuitem', { name: 'Open log folder' }).click();
    await visible(page.getByText('Opened the log folder'));
    await eventually(
      async () => readFileSync(openedFile, 'utf8'),
      (text) => expect(text).toBe(`${logFolder}\n${logFolder}\n`),
    );
  });
});
