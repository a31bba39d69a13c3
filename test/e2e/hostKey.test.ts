import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  terminal,
  typeIn,
  visible,
  waitForScreen,
  startSignedIn,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startSignedIn();
});
afterAll(async () => {
  await app?.close();
});

describe('a custom platform whose gateway key nobody published', () => {
  it('asks about the gateway’s host key, with both fingerprints, and remembers the answer', async () => {
    const { page } = app;
    const sandbox = app.web.ready.sandbox!;
    const gateway = sandbox.gateway!;

    // Switch platform: sign out, then the same servers as a Custom platform (no pinned key).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('radio', { name: /Custom/ }).check({ force: true });
    await page.getByLabel('API address').fill(sandbox.api);
    await page.getByLabel('Gateway host').fill(gateway.host);
    await page.getByLabel('Gateway port').fill(String(gateway.port));
    await showScreen(page, 'custom-platform');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Email or login').fill('demo@sandbox.local');
    await page.getByLabel('Password', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The key made on first run is offered again and is already on the dashboard.
    await page.getByRole('button', { name: 'Use this key' }).click();
    await visible(page.getByRole('status').filter({ hasText: /Already on the dashboard/ }));
    await page.getByRole('button', { name: 'Show environments' }).click();

    // Refused first: the tab says it cannot connect, and offers to try again.
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const dialog = await visible(page.getByRole('alertdialog', { name: 'Unknown host key' }));
    const text = await dialog.innerText();
    const known = [gateway.hostKey, gateway.hostKeyEd25519].filter((k) => k !== undefined);
    expect(known.some((k) => text.includes(k.sha256) && text.includes(k.md5))).toBe(true);
    expect(text).toContain(`${gateway.host}:${gateway.port}`);
    await showScreen(page, 'host-key-prompt');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const overlay = await visible(page.getByRole('alert').filter({ hasText: /Cannot connect/ }));
    await showScreen(page, 'host-key-rejected');

    await overlay.getByRole('button', { name: 'Try again' }).click();
    const again = await visible(page.getByRole('alertdialog', { name: 'Unknown host key' }));
    await again.getByRole('button', { name: 'Accept and remember' }).click();
    await visible(page.getByRole('tab', { name: /518839.*\(connected\)/ }));
    const term = terminal(page, 'Terminal on node 518839');
    await typeIn(term, 'echo $((6*7))\r');
    await waitForScreen(term, /^42$/m);

    // Remembered: the next connection does not ask.
    await page.getByRole('button', { name: 'Open terminal on node 518840' }).click();
    await visible(page.getByRole('tab', { name: /518840.*\(connected\)/ }));
    expect(await page.getByRole('alertdialog').count()).toBe(0);
  });
});
