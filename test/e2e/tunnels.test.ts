import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOwned } from '../core/support/nodeOwned.ts';
import { listening, mysqlQuery } from '../core/support/localPorts.ts';
import { showScreen } from './accessibility.ts';
import { completeFirstRun, readClipboard, startApp, visible, type AppUnderTest } from './appUnderTest.ts';

/*
 * Tunnels as a user opens them, in Chromium against the browser host and its sandbox: "Connect a SQL
 * client" on the MariaDB node, with the real `mysql` through the port it shows; "Open tunnel…" to the
 * Apache node's web server, with `curl`; the Tunnels panel's figures and Close; and, signed in as the
 * other tenant, node 518900's own refusal of forwarding.
 */

const run = promisify(execFile);
const SHOP_APACHE = 518839;
const SHOP_DB = 518840;
const BLOG = 518900;

let app: AppUnderTest;

const sandbox = () => app.web.ready.sandbox!;
const shopDb = () => sandbox().databases.find((db) => db.node === SHOP_DB)!;

async function nodeMenu(page: Page, nodeId: number, item: string): Promise<void> {
  await page.getByRole('button', { name: `More actions for node ${nodeId}` }).click();
  await page.getByRole('menuitem', { name: `${item} node ${nodeId}` }).click();
}

const tunnelRow = (page: Page, name: RegExp) =>
  page.getByRole('region', { name: 'Tunnels list' }).getByRole('listitem', { name });

beforeAll(async () => {
  app = await startApp();
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
});

describe('tunnels', () => {
  let mariaPort = 0;

  it('connects a SQL client to the MariaDB node: the settings to paste, and mysql answers through them', async () => {
    const { page } = app;
    await nodeMenu(page, SHOP_DB, 'Connect a SQL client to');
    const dialog = await visible(
      page.getByRole('dialog', { name: `Connect a SQL client to node ${SHOP_DB}` }),
    );
    const status = await visible(
      dialog.getByRole('status').filter({ hasText: /port 3306 is on this computer/ }),
    );
    mariaPort = Number(/127\.0\.0\.1:(\d+)/.exec(await status.innerText())![1]);
    expect(mariaPort).toBeGreaterThan(0);
    // The sandbox's database and user are offered; the command line asks for the password itself.
    expect(await dialog.getByRole('textbox', { name: 'User' }).inputValue()).toBe(shopDb().user);
    expect(await dialog.getByRole('textbox', { name: 'Database' }).inputValue()).toBe(shopDb().name);
    expect(await dialog.getByLabel('Command line', { exact: true }).innerText()).toBe(
      `mysql -h 127.0.0.1 -P ${mariaPort} -u ${shopDb().user} -p -D ${shopDb().name}`,
    );
    await showScreen(page, 'tunnels-sql-client');
    await dialog.getByRole('button', { name: 'Copy the port' }).click();
    expect(await readClipboard(page)).toBe(String(mariaPort));
    await dialog.getByRole('button', { name: 'Copy the password' }).click();
    expect(await readClipboard(page)).toBe(shopDb().password);
    // The password is on the clipboard, never on the screen.
    expect(await page.locator('body').innerText()).not.toContain(shopDb().password);

    expect(await mysqlQuery(shopDb(), mariaPort, 'select 1')).toBe('1');
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The panel opened with the tunnel: its ends, and the bytes mysql moved.
    const row = tunnelRow(
      page,
      new RegExp(`^Tunnel 127\\.0\\.0\\.1:${mariaPort} to node ${SHOP_DB} port 3306, Open`),
    );
    await visible(row);
    await expect
      .poll(() => row.innerText())
      .toMatch(/↓ \d+(\.\d)? (B|KB) · ↑ \d+(\.\d)? (B|KB) · 0 clients connected \(1 since it opened\)/);
  });

  it('opens a tunnel to the Apache node’s web server, which curl reaches, then closes it', async () => {
    const { page } = app;
    const web = new URL(sandbox().nodes.find((node) => node.id === SHOP_APACHE)!.web!);
    const root = join(sandbox().data, 'nodes', String(SHOP_APACHE), 'home', 'webroot', 'ROOT');
    writeFileSync(join(root, 'e2e-tunnel.html'), '<p>through the tunnel</p>\n');
    await nodeOwned(join(root, 'e2e-tunnel.html'));

    await nodeMenu(page, SHOP_APACHE, 'Open tunnel to');
    const dialog = await visible(page.getByRole('dialog', { name: `Open a tunnel to node ${SHOP_APACHE}` }));
    await dialog.getByLabel('Port on the node').fill(web.port);
    await showScreen(page, 'tunnels-open-dialog');
    await dialog.getByRole('button', { name: 'Open tunnel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = tunnelRow(page, new RegExp(`to node ${SHOP_APACHE} port ${web.port}, Open$`));
    await visible(row);
    const local = Number(/127\.0\.0\.1:(\d+)/.exec(await row.innerText())![1]);
    const { stdout } = await run('curl', ['-sS', '--fail', `http://127.0.0.1:${local}/e2e-tunnel.html`]);
    expect(stdout).toBe('<p>through the tunnel</p>\n');
    await expect.poll(() => row.innerText()).toMatch(/1 since it opened/);
    await showScreen(page, 'tunnels-panel');

    await row.getByRole('button', { name: /^Close the tunnel/ }).click();
    await row.waitFor({ state: 'detached' });
    expect(await listening(local)).toBe(false);
    // The MariaDB tunnel is still there, and still answers.
    expect(await listening(mariaPort)).toBe(true);
    await expect
      .poll(() =>
        page
          .getByRole('contentinfo')
          .getByRole('button', { name: /^Tunnels/ })
          .innerText(),
      )
      .toMatch(/1 open/);
  });

  it('shows node 518900’s own refusal to forward, signed in as its owner', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Signing out closed the account's tunnels.
    await expect.poll(() => listening(mariaPort)).toBe(false);
    await page.getByRole('radio', { name: /Sandbox/ }).check({ force: true });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Email or login').fill('other@sandbox.local');
    await page.getByLabel('Password', { exact: true }).fill('other');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use this key' }).click();
    await visible(page.getByRole('status').filter({ hasText: /to the dashboard as/ }));
    await page.getByRole('button', { name: 'Show environments' }).click();
    await visible(page.getByRole('group', { name: 'Environment blog, Running' }));

    await nodeMenu(page, BLOG, 'Open tunnel to');
    const dialog = await visible(page.getByRole('dialog', { name: `Open a tunnel to node ${BLOG}` }));
    await dialog.getByLabel('Port on the node').fill('80');
    await dialog.getByRole('button', { name: 'Open tunnel' }).click();
    const refusal = 'The node refused the forward: administratively prohibited: open failed';
    expect(await (await visible(dialog.getByRole('alert'))).innerText()).toBe(refusal);
    await showScreen(page, 'tunnels-refused-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const row = tunnelRow(page, new RegExp(`to node ${BLOG} port 80, Failed$`));
    expect(await (await visible(row)).innerText()).toContain(refusal);
    await showScreen(page, 'tunnels-refused-panel');
    await row.getByRole('button', { name: /^Remove the tunnel/ }).click();
    await row.waitFor({ state: 'detached' });
  });
});
