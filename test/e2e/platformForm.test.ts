import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeFirstRun, startApp, visible, type AppUnderTest } from './appUnderTest.ts';

/*
 * The first-run form checks a custom platform's addresses as the core does (the core checks again):
 * a gateway host that is no host name, and plain http to another computer, are refused at the field
 * with the rule, and nothing is saved.
 */
let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp();
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
});

describe('the custom platform form', () => {
  it('refuses a gateway host that is not a host name and an http API address for another computer', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('radio', { name: /Custom/ }).check({ force: true });
    await page.getByLabel('API address').fill('http://app.example.com');
    await page.getByLabel('Gateway host').fill('gate.example,*');
    await page.getByLabel('Gateway port').fill('3022');
    await page.getByRole('button', { name: 'Continue' }).click();
    await visible(page.getByText(/use https:\/\/app\.example\.com/));
    await visible(page.getByText(/"gate\.example,\*" is not a host: use a DNS name/));
    // Still on the platform step: nothing was chosen.
    expect(await page.getByLabel('Email or login').count()).toBe(0);
  });
});
