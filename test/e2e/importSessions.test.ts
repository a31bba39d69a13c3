import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, PPK_PASSPHRASE, type Home } from '../core/imports/importFixtures.ts';
import { showScreen } from './accessibility.ts';
import { completeFirstRun, startApp, visible, type AppUnderTest } from './appUnderTest.ts';

/*
 * Hosts → Import…: the three-session .reg (one on the sandbox's gateway, one with a .ppk, one
 * with a port forward), previewed, the .ppk ticked with its passphrase, imported; the report and the
 * Hosts list show the shortcut and the two hosts.
 */
let app: AppUnderTest;
let home: Home;

beforeAll(async () => {
  home = await makeHome();
  app = await startApp({ env: { HOME: home.dir } });
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
  await home?.remove();
});

describe('importing PuTTY sessions', () => {
  it('previews a .reg export, imports the chosen sessions and key, and reports', async () => {
    const { page } = app;
    const gateway = app.web.ready.sandbox!.gateway!;
    const regFile = await home.regFile('utf16le', gateway.host, gateway.port);
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import sessions' });
    await dialog.getByLabel('Path of the .reg file').fill(regFile);
    await showScreen(page, 'import-1-source');
    await dialog.getByRole('button', { name: 'Show what would be imported' }).click();

    await visible(dialog.getByText(`shop app node → node 518839 (account 4856)`));
    await visible(dialog.getByText('backup → deploy@backup.example.org:2222'));
    await visible(dialog.getByText(/Its port forwards \(local port 13306 → localhost:3306/));
    const key = dialog.getByRole('checkbox', { name: /Import .*backup\.ppk/ });
    await key.check({ force: true });
    await dialog.getByLabel(/Passphrase of .*backup\.ppk/).fill(PPK_PASSPHRASE);
    await showScreen(page, 'import-2-plan');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();

    await visible(dialog.getByRole('heading', { name: 'Imported (4)' }));
    await showScreen(page, 'import-3-report');
    const report = await dialog.locator('.import-report').innerText();
    expect(report).toMatch(/Key backup key/);
    expect(report).toMatch(/Node shortcut shop app node/);
    expect(report).toMatch(/Host db tunnel/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    for (const name of ['shop app node', 'backup', 'db tunnel'])
      await visible(hosts.getByText(name, { exact: true }));
    await hosts.getByText('db tunnel', { exact: true }).scrollIntoViewIfNeeded();
    await showScreen(page, 'import-4-hosts');
  });
});
