import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlainSshd, type PlainSshd } from '../core/support/plainSshd.ts';
import {
  terminal,
  typeIn,
  visible,
  waitForScreen,
  startSignedIn,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';
import { SandboxApi } from './sandboxApi.ts';

let app: AppUnderTest;
let server: PlainSshd;

beforeAll(async () => {
  app = await startSignedIn();
  // The server accepts the key the first run made (and synced to the dashboard): the vault's key.
  const [key] = await new SandboxApi(app.web.ready.sandbox!.api).keys();
  server = await startPlainSshd({ authorizedKeys: [key!.publicKey] });
});
afterAll(async () => {
  await app?.close();
  await server?.stop();
});

describe('a plain SSH host', () => {
  it('is added, opens a terminal after its host key is trusted, and a file pane', async () => {
    const { page } = app;
    const hosts = page.getByRole('region', { name: 'Hosts' });
    await showScreen(page, 'hosts-1-empty');
    await hosts.getByRole('button', { name: 'Add host' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Add a host' }));
    await dialog.getByLabel('Name').fill('backup box');
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port').fill(String(server.port));
    await dialog.getByLabel('User').fill('bad user');
    await visible(dialog.getByText('a user name has no spaces', { exact: false }).first());
    expect(await dialog.getByRole('button', { name: 'Add host' }).isDisabled()).toBe(true);
    await dialog.getByLabel('User').fill(server.user);
    await showScreen(page, 'hosts-2-add');
    await dialog.getByRole('button', { name: 'Add host' }).click();

    await hosts.getByRole('button', { name: 'Open terminal on backup box' }).click();
    const question = await visible(page.getByRole('alertdialog', { name: 'Unknown host key' }));
    expect(await question.textContent()).toContain(`127.0.0.1`);
    await showScreen(page, 'hosts-3-host-key');
    await question.getByRole('button', { name: 'Accept and remember' }).click();
    await visible(page.getByRole('tab', { name: /backup box.*\(connected\)/ }));
    const term = terminal(page, 'Terminal on backup box');
    await typeIn(term, 'echo "plain-$((40+2))" && pwd\r');
    await waitForScreen(term, /^plain-42$/m);
    await showScreen(page, 'hosts-4-terminal');

    await hosts.getByRole('button', { name: 'Open files on backup box' }).click();
    const pane = page.getByRole('region', { name: 'Files on backup box' });
    await visible(pane.getByRole('row', { name: /hello\.txt/ }));
    await showScreen(page, 'hosts-5-files');
  });
});
