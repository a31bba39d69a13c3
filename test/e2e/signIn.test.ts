import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
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

/**
 * Signing in as real accounts do (issue 13), in Chromium against the browser host and its sandbox:
 * a personal access token, a token that may only list environments, and a two-factor account whose
 * code is computed from the secret the sandbox prints.
 */
let app: AppUnderTest | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function ready(current: AppUnderTest) {
  const sandbox = current.web.ready.sandbox;
  if (!sandbox) throw new Error('The browser host started without its sandbox.');
  return sandbox;
}

/** From the platform step to the sign-in form, with the access-token method chosen. */
async function tokenForm(page: Page): Promise<void> {
  await page.getByRole('radio', { name: /Sandbox/ }).check({ force: true });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('radio', { name: 'With an access token' }).check({ force: true });
}

/** Generates the first key and waits for the dashboard step's verdict, whatever it is. */
async function generateKey(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Generate key' }).click();
  await visible(page.getByRole('progressbar', { name: /Generating a 4096-bit RSA key/ }));
}

/** A code the platform refuses: not the current step's, nor the neighbours' it tolerates for drift. */
function wrongCode(totp: OTPAuth.TOTP): string {
  const now = Date.now();
  const accepted = [-1, 0, 1, 2].map((step) => totp.generate({ timestamp: now + step * totp.period * 1000 }));
  const wrong = ['000000', '111111', '222222', '333333', '444444'].find((c) => !accepted.includes(c));
  if (!wrong) throw new Error('Five candidate codes cannot all be among four accepted ones.');
  return wrong;
}

describe('signing in', () => {
  it('with an access token reaches the environments and a node terminal', async () => {
    app = await startApp();
    const { page } = app;
    await tokenForm(page);
    await page.getByLabel('Access token', { exact: true }).fill(ready(app).tokens[0]!.token);
    await page.getByText('Permissions the app uses').click();
    await visible(page.getByText('management.Account.AddSSHKey'));
    await showScreen(page, 'sign-in-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await generateKey(page);
    await visible(page.getByRole('status').filter({ hasText: /the dashboard as/ }));
    await page.getByRole('button', { name: 'Show environments' }).click();
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
    await setRenderer(page, 'DOM');
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const term = terminal(page, 'Terminal on node 518839');
    await typeIn(term, 'echo token-$((20+22))\r');
    await waitForScreen(term, /^token-42$/m);
  });

  it('with a token that may only list environments: every node shown, the sync names the permission', async () => {
    app = await startApp();
    const { page } = app;
    await tokenForm(page);
    await page.getByLabel('Access token', { exact: true }).fill(ready(app).tokens[1]!.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await generateKey(page);
    const refusal = await visible(page.getByRole('alert').filter({ hasText: /lacks permission/ }));
    expect(await refusal.textContent()).toContain(
      'Your access token lacks permission for management.Account.GetSSHKeys.',
    );
    await showScreen(page, 'sign-in-token-permission');
    // Still signed in: the environments are one press away, with every node of shop.
    await page.getByRole('button', { name: 'Show environments' }).click();
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
    await visible(page.getByRole('button', { name: 'Open terminal on node 518839' }));
    await visible(page.getByRole('button', { name: 'Open terminal on node 518840' }));
    await page.reload();
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
    // The Keys page reads the dashboard with the same token: the refusal names the permission and
    // does not send the user to check a connection that is fine.
    const keys = await openPage(page, 'Keys');
    const unread = await visible(keys.getByRole('alert').filter({ hasText: /could not be read/ }));
    const said = await unread.textContent();
    expect(said).toContain('lacks permission for management.Account.GetSSHKeys');
    expect(said).not.toContain('Check your connection');
    await showScreen(page, 'sign-in-token-permission-keys');
    await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
  });

  it('with a password and a two-factor code; a wrong code is refused', async () => {
    app = await startApp();
    const { page } = app;
    const secret = ready(app).users.find((user) => user.login === 'twofa@sandbox.local')?.totpSecret;
    if (!secret) throw new Error('The sandbox names no TOTP secret for twofa@sandbox.local.');
    const totp = new OTPAuth.TOTP({ secret });
    await page.getByRole('radio', { name: /Sandbox/ }).check({ force: true });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Email or login').fill('twofa@sandbox.local');
    await page.getByLabel('Password', { exact: true }).fill('twofa');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = await visible(page.getByLabel('Verification code'));
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    const wrong = wrongCode(totp);
    await code.fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(
      page.getByRole('alert').filter({ hasText: 'The verification code is wrong or has expired.' }),
    );
    // Refused, the step stays: the same field with what was typed, to correct.
    expect(await code.inputValue()).toBe(wrong);
    await showScreen(page, 'sign-in-code-wrong');
    await code.fill(totp.generate());
    await page.getByRole('button', { name: 'Verify' }).click();
    await generateKey(page);
    await visible(page.getByRole('status').filter({ hasText: /the dashboard as/ }));
    await page.getByRole('button', { name: 'Show environments' }).click();
    await visible(page.getByRole('group', { name: 'Environment vault, Running' }));
    await visible(page.getByRole('button', { name: 'Open terminal on node 518870' }));
  });
});
