import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  localKeyNames,
  openPage,
  startApp,
  terminal,
  typeIn,
  setRenderer,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('first run, from an empty profile to a node terminal', () => {
  it('walks platform → sign in → key → dashboard, then runs a command on node 518839', async () => {
    const { page } = app;
    await completeFirstRun(page, 'first-run');
    await showScreen(page, 'workbench-1-environments');
    await setRenderer(page, 'DOM');

    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const tab = await visible(page.getByRole('tab', { name: /518839.*\(connected\)/ }));
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const term = terminal(page, 'Terminal on node 518839');
    await typeIn(term, 'echo $((6*7))\r');
    await waitForScreen(term, /^42$/m);
    await showScreen(page, 'workbench-2-terminal');

    // The node is the one asked for: its home is its own folder in the sandbox.
    await typeIn(term, 'echo "node-$(hostname | cut -d- -f1 | tr -dc 0-9)"\r');
    await waitForScreen(term, /^node-518839$/m);
  });

  it('shows the dashboard key and the account after a reload, without asking again', async () => {
    const { page } = app;
    await page.reload();
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
    expect(await page.getByText('demo@sandbox.local').count()).toBeGreaterThan(0);
    // The key made on first run, kept on this device and on the dashboard.
    await openPage(page, 'Keys');
    const local = page.getByRole('grid', { name: 'Keys on this device' });
    const [firstRunKey] = await localKeyNames(page);
    expect(firstRunKey).toBeTruthy();
    await visible(local.getByRole('row').filter({ hasText: firstRunKey! }).getByText('On the dashboard'));
    await showScreen(page, 'keys-after-first-run');
  });
});
