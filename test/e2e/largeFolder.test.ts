import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  saveMeasurement,
  startApp,
  visible,
  type AppUnderTest,
} from './appUnderTest.ts';
import { fileRow, pane } from './filePane.ts';
import { showScreen } from './accessibility.ts';
import { whileResponsive } from './responsiveness.ts';

const ENTRIES = 10_000;
/** The one entry larger than all others, so sorting by size puts it first. */
const LARGEST = 'entry-04321.txt';
const entryName = (i: number) => `entry-${String(i).padStart(5, '0')}.txt`;

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
  // Made directly in node 518839's home: the sandbox runs each node's sshd on this machine.
  const folder = join(app.nodeHome(518839), 'ten-thousand');
  mkdirSync(folder, { recursive: true });
  for (let i = 1; i <= ENTRIES; i++) {
    const name = entryName(i);
    writeFileSync(join(folder, name), name === LARGEST ? 'x'.repeat(5000) : 'x'.repeat(i % 1000));
  }
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
});

const table = (page: Page) => pane(page).getByRole('grid');

/** The body row at a position (1 = first), by the index the virtualized table announces. */
const rowAt = (page: Page, position: number): Locator =>
  table(page).locator(`[role="row"][aria-rowindex="${position + 1}"]`);

/** The page's core link, as the renderer sees it (this file compiles for Node, without the DOM). */
type PageCore = {
  enscale: {
    platform: {
      current(): Promise<{
        profile: { gateway: unknown; gatewayKey?: unknown } | null;
        account: { uid: number } | null;
      }>;
    };
    files: { list(target: unknown, path: string): Promise<unknown[]> };
  };
};

/** Runs in the page: lists a folder of node 518839 through `window.enscale` and times it. */
async function listTimed(path: string): Promise<{ ms: number; count: number }> {
  const { enscale } = globalThis as unknown as PageCore;
  const { profile, account } = await enscale.platform.current();
  const target = {
    gateway: profile!.gateway,
    username: `518839-${account!.uid}`,
    ...(profile!.gatewayKey ? { pinned: profile!.gatewayKey } : {}),
  };
  const started = performance.now();
  const list = await enscale.files.list(target, path);
  return { ms: performance.now() - started, count: list.length };
}

describe('a folder of 10,000 entries in the file pane', () => {
  it('lists it with only the rows in view in the page, scrolls to the end and sorts', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open files on node 518839' }).click();
    await visible(fileRow(page, 'ten-thousand'));

    // Time from opening the folder (Enter on its row) to its first entries on screen.
    await fileRow(page, 'ten-thousand').click();
    const started = performance.now();
    await page.keyboard.press('Enter');
    await visible(fileRow(page, entryName(1)));
    const listMs = performance.now() - started;
    expect(await table(page).getAttribute('aria-rowcount')).toBe(String(ENTRIES + 1));
    await showScreen(page, 'files-10000-entries');

    // Virtualized: the rows in view (and a few around them), not 10,000.
    const rowsInPage = await table(page).getByRole('row').count();
    expect(rowsInPage).toBeGreaterThan(5);
    expect(rowsInPage).toBeLessThan(200);

    // To the end with the keyboard: the new folder's table has the focus, so End.
    await eventually(
      () => table(page).evaluate((grid) => grid.contains(grid.ownerDocument.activeElement)),
      (focused) => expect(focused).toBe(true),
    );
    const scrolled = await whileResponsive(page, async () => {
      await page.keyboard.press('End');
      await visible(fileRow(page, entryName(ENTRIES)));
    });
    expect(await fileRow(page, entryName(ENTRIES)).getAttribute('aria-selected')).toBe('true');
    expect(await table(page).getByRole('row').count()).toBeLessThan(200);
    await showScreen(page, 'files-10000-end');

    // Page by page back up: the table follows the focus.
    const paging = await whileResponsive(page, async () => {
      for (let i = 0; i < 20; i++) await page.keyboard.press('PageUp');
    });

    // Sorted by size, largest first: the one 5,000-byte entry heads the list.
    const sortStarted = performance.now();
    const size = table(page).getByRole('columnheader', { name: 'Size' });
    await size.click();
    await eventually(
      () => size.getAttribute('aria-sort'),
      (sort) => expect(sort).toBe('ascending'),
    );
    await size.click();
    await eventually(
      () => size.getAttribute('aria-sort'),
      (sort) => expect(sort).toBe('descending'),
    );
    await table(page).evaluate((grid) => (grid.scrollTop = 0));
    await visible(rowAt(page, 1).filter({ hasText: LARGEST }));
    const sortMs = performance.now() - sortStarted;
    await showScreen(page, 'files-10000-by-size');

    // And by name again, descending: the last entry first.
    await table(page).getByRole('columnheader', { name: 'Name' }).click();
    await table(page).getByRole('columnheader', { name: 'Name' }).click();
    await table(page).evaluate((grid) => (grid.scrollTop = 0));
    await visible(rowAt(page, 1).filter({ hasText: entryName(ENTRIES) }));

    // The core's share of the listing: the same call the pane makes, through the page's link.
    const folder = await pane(page).getByLabel('Location').inputValue();
    const coreList = await page.evaluate(listTimed, folder);
    expect(coreList.count).toBe(ENTRIES);

    const measurement = {
      entries: ENTRIES,
      listMs: Math.round(listMs),
      coreListMs: Math.round(coreList.ms),
      rowsInPage,
      endKey: scrolled,
      pageUpTwentyTimes: paging,
      sortBySizeTwiceMs: Math.round(sortMs),
    };
    saveMeasurement('list-10000', measurement);
    console.log('10,000 entries:', JSON.stringify(measurement));
  });

  it('selects with the keyboard: ranges, type-ahead and sorting from the column headers', async () => {
    const { page } = app;
    const selectedRows = () => table(page).locator('[role="row"][aria-selected="true"]');
    // Sorted by name, descending (the test above): Home is the last entry.
    await table(page).focus();
    await page.keyboard.press('Home');
    await eventually(
      () => rowAt(page, 1).getAttribute('aria-selected'),
      (selected) => expect(selected).toBe('true'),
    );
    expect(await rowAt(page, 1).getAttribute('aria-label')).toBe(entryName(ENTRIES));

    // Shift extends from the anchor.
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await eventually(
      () => selectedRows().count(),
      (count) => expect(count).toBe(3),
    );

    // Typing a name's first letters goes to it, however far down.
    await page.keyboard.type('entry-00005', { delay: 20 });
    await visible(fileRow(page, entryName(5)));
    expect(await fileRow(page, entryName(5)).getAttribute('aria-selected')).toBe('true');
    expect(await selectedRows().count()).toBe(1);

    // Up from the first row reaches the column headers; Enter sorts by the one focused.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    const name = table(page).getByRole('columnheader', { name: 'Name' });
    expect(await table(page).getAttribute('aria-activedescendant')).toBe(await name.getAttribute('id'));
    await page.keyboard.press('Enter');
    await eventually(
      () => name.getAttribute('aria-sort'),
      (sort) => expect(sort).toBe('ascending'),
    );
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await visible(rowAt(page, 1).filter({ hasText: entryName(1) }));
  });
});
