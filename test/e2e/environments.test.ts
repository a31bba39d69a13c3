import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showScreen } from './accessibility.ts';
import {
  terminal,
  typeIn,
  visible,
  waitForScreen,
  startSignedIn,
  type AppUnderTest,
} from './appUnderTest.ts';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startSignedIn();
});
afterAll(async () => {
  await app?.close();
});

const environment = (page: Page, name: string, status: string) =>
  page.getByRole('group', { name: `Environment ${name}, ${status}` });

async function chooseFromMenu(page: Page, envName: string, item: string) {
  await page.getByRole('button', { name: `Actions for environment ${envName}` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

describe('environments on and off from the sidebar', () => {
  it('stops shop after naming its nodes: its terminal says why it closed, the gateway refuses it, and starting shop brings it back', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const term = terminal(page, 'Terminal on node 518839');
    await visible(page.getByRole('tab', { name: /518839.*\(connected\)/ }));
    await typeIn(term, 'echo before-$((40+2))\r');
    await waitForScreen(term, /^before-42$/m);

    await chooseFromMenu(page, 'shop', 'Stop…');
    const question = page.getByRole('alertdialog', { name: 'Stop shop?' });
    await visible(question);
    const asked = await question.innerText();
    expect(asked).toMatch(/node 518839/);
    expect(asked).toMatch(/node 518840/);
    await showScreen(page, 'environments-1-stop-question');
    await question.getByRole('button', { name: 'Stop environment' }).click();

    // The platform answers only when it is done (the browser host's sandbox takes 2 s, a real one a
    // minute or more): meanwhile the environment shows its progress, and the tab is already held.
    await visible(environment(page, 'shop', 'Running').getByRole('progressbar', { name: 'Stopping…' }));
    await visible(page.getByRole('alert').filter({ hasText: /shop is being stopped from this app/ }));
    await showScreen(page, 'environments-2-stopping');

    await visible(environment(page, 'shop', 'Stopped'));
    const overlay = page.getByRole('alert').filter({ hasText: /Environment shop is stopped/ });
    await visible(overlay);
    await waitForScreen(term, /Environment shop is stopped/);
    expect(await page.getByRole('button', { name: 'Open terminal on node 518839' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Open files on node 518840' }).isDisabled()).toBe(true);
    await showScreen(page, 'environments-3-stopped');

    // Trying anyway reaches the gateway, which refuses the node in its own words; the tab stays held.
    await overlay.getByRole('button', { name: 'Try again' }).click();
    await waitForScreen(term, /Environment 'shop' is stopped/);
    await visible(page.getByRole('alert').filter({ hasText: /Environment shop is stopped/ }));

    await chooseFromMenu(page, 'shop', 'Start');
    await visible(environment(page, 'shop', 'Running'));
    await waitForScreen(term, /reconnected/);
    await visible(page.getByRole('tab', { name: /518839.*\(connected\)/ }));
    await typeIn(term, 'echo after-$((40+2))\r');
    await waitForScreen(term, /^after-42$/m);
    await showScreen(page, 'environments-4-started');
  });

  it('puts staging to sleep and wakes it, and shows the platform’s refusal in its words', async () => {
    const { page } = app;
    await visible(environment(page, 'staging', 'Stopped'));
    await chooseFromMenu(page, 'staging', 'Start');
    await visible(environment(page, 'staging', 'Running'));
    await chooseFromMenu(page, 'staging', 'Sleep…');
    const question = page.getByRole('alertdialog', { name: 'Put staging to sleep?' });
    expect(await (await visible(question)).innerText()).toMatch(/node 518850/);
    await question.getByRole('button', { name: 'Put to sleep' }).click();
    await visible(environment(page, 'staging', 'Sleeping'));
    await showScreen(page, 'environments-5-sleeping');
    await chooseFromMenu(page, 'staging', 'Stop…');
    await page
      .getByRole('alertdialog', { name: 'Stop staging?' })
      .getByRole('button', { name: 'Stop environment' })
      .click();
    await visible(environment(page, 'staging', 'Stopped'));
  });
});
