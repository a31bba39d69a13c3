import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  openPage,
  readClipboard,
  startApp,
  visible,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
});

const section = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** Types a new value into a number field and leaves it, which is when the field commits it. */
async function setNumber(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.press('Tab');
}

/** The text of the definition that follows the term `term` in a section's facts. */
async function fact(area: Locator, term: string): Promise<string> {
  return area.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').innerText();
}

describe('the settings page', () => {
  it('shows the platform and account, and keeps its changes across a reload', async () => {
    const { page } = app;
    const sandbox = app.web.ready.sandbox!;
    await openPage(page, 'Settings');

    const account = section(page, 'Platform and account');
    expect(await fact(account, 'Platform')).toMatch(/^Sandbox/);
    expect(await fact(account, 'API')).toBe(sandbox.api);
    expect(await fact(account, 'SSH gateway')).toBe(`${sandbox.gateway!.host}:${sandbox.gateway!.port}`);
    expect(await fact(account, 'Signed in as')).toMatch(/demo@sandbox\.local.*user 4856/);
    await showScreen(page, 'settings-1-account');

    const transfers = section(page, 'Transfers');
    const concurrency = transfers.getByLabel('Files copied at once');
    expect(await concurrency.inputValue()).toBe('3');
    // Above the range: the field brings it down to the largest allowed, and that is what is saved.
    await setNumber(concurrency, '12');
    await visible(transfers.getByText('Saved: 8 files at once.'));
    expect(await concurrency.inputValue()).toBe('8');
    await transfers.getByRole('radio', { name: 'Keep both' }).check({ force: true });
    await visible(transfers.getByText('Saved: when a file exists, keep both.'));
    // Upload names: NFC off, and one more pattern on the skip list (saved when the field is left).
    await transfers.getByText('Send file names in Unicode NFC', { exact: false }).click();
    await visible(transfers.getByText('Saved: names sent as they are.'));
    const skipList = transfers.getByLabel('Leave out of folder uploads');
    expect(await skipList.inputValue()).toBe('.DS_Store\n._*\nThumbs.db\ndesktop.ini');
    await skipList.fill('.DS_Store\n._*\nThumbs.db\ndesktop.ini\n*.log');
    await skipList.blur();
    await visible(transfers.getByText('Saved: skip list of 5 pattern(s).'));

    const connection = section(page, 'Connection');
    await setNumber(connection.getByLabel('Keepalive interval (seconds)'), '30');
    await visible(connection.getByText('Saved: keepalive every 30 s.'));
    await transfers.scrollIntoViewIfNeeded();
    await showScreen(page, 'settings-2-transfers');

    const terminal = section(page, 'Terminal');
    await setNumber(terminal.getByLabel('Font size'), '16');

    // About: the versions this host knows, and the profile's folders.
    const about = section(page, 'About');
    await about.scrollIntoViewIfNeeded();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    await visible(about.locator('dt', { hasText: 'Data folder' }));
    expect(await fact(about, 'Enscale SSH')).toBe(pkg.version);
    expect(await fact(about, 'Node.js')).toBe(process.versions.node);
    expect(await fact(about, 'Electron')).toMatch(/not in use/);
    expect(await fact(about, 'Chromium')).toMatch(/^\d+\.[\d.]+ \(this browser\)$/);
    const dataDir = (await fact(about, 'Data folder')).replace(/\s*Copy$/, '');
    expect(dataDir).toMatch(/enscale-web-/);
    expect((await fact(about, 'Log folder')).replace(/\s*Copy$/, '')).toBe(join(dataDir, 'logs'));
    await about.getByRole('button', { name: 'Copy the log folder path' }).click();
    expect(await readClipboard(page)).toBe(join(dataDir, 'logs'));
    await showScreen(page, 'settings-3-about');

    // The core keeps its part in the profile, where the next start (and the CLI) reads it.
    await eventually(
      async () => JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as unknown,
      (stored) =>
        expect(stored).toMatchObject({
          transfers: {
            concurrency: 8,
            conflict: 'keepBoth',
            normalizeUploadNames: false,
            uploadSkip: ['.DS_Store', '._*', 'Thumbs.db', 'desktop.ini', '*.log'],
          },
          connection: { keepaliveSeconds: 30 },
        }),
    );

    await page.reload();
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
    await openPage(page, 'Settings');
    expect(await section(page, 'Transfers').getByLabel('Files copied at once').inputValue()).toBe('8');
    expect(await section(page, 'Transfers').getByRole('radio', { name: 'Keep both' }).isChecked()).toBe(true);
    expect(await section(page, 'Connection').getByLabel('Keepalive interval (seconds)').inputValue()).toBe(
      '30',
    );
    expect(await section(page, 'Terminal').getByLabel('Font size').inputValue()).toBe('16');

    // The dark palette, to see that everything stays readable in it.
    await section(page, 'Terminal').getByRole('radio', { name: 'Dark' }).check({ force: true });
    await section(page, 'Platform and account').scrollIntoViewIfNeeded();
    await showScreen(page, 'settings-4-dark');
    await openPage(page, 'Keys');
    await visible(page.getByRole('grid', { name: 'Keys on this device' }).getByRole('rowheader').first());
    await showScreen(page, 'keys-dark');
    await openPage(page, 'Settings');
    await section(page, 'Terminal').getByRole('radio', { name: 'Follow the system' }).check({ force: true });
  });

  it('signs out to the platform choice, and switches platform the same way', async () => {
    const { page } = app;
    await openPage(page, 'Settings');
    await section(page, 'Platform and account')
      .getByRole('button', { name: 'Sign out', exact: true })
      .click();
    await visible(page.getByRole('heading', { name: 'Choose platform' }));
    await visible(page.getByRole('radio', { name: /Sandbox/ }));
    await showScreen(page, 'settings-5-signed-out');

    // Back in (the key is still on this device and on the dashboard), then Switch platform.
    await page.getByRole('radio', { name: /Sandbox/ }).check({ force: true });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use this key' }).click();
    await visible(page.getByRole('status').filter({ hasText: /Already on the dashboard/ }));
    await page.getByRole('button', { name: 'Show environments' }).click();
    await openPage(page, 'Settings');
    await section(page, 'Platform and account').getByRole('button', { name: 'Switch platform…' }).click();
    await visible(page.getByRole('heading', { name: 'Choose platform' }));
  });
});
