import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPart, puttygen, scratch, sshKeygen, type Scratch } from '../core/keys/keyTools.ts';
import {
  completeFirstRun,
  eventually,
  localKeyNames,
  openPage,
  readClipboard,
  setRenderer,
  startApp,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';
import { SandboxApi } from './sandboxApi.ts';

let app: AppUnderTest;
let api: SandboxApi;
let files: Scratch;

beforeAll(async () => {
  app = await startApp();
  api = new SandboxApi(app.web.ready.sandbox!.api);
  files = await scratch('e2e-keys');
  await completeFirstRun(app.page);
  await setRenderer(app.page, 'DOM');
});
afterAll(async () => {
  await files?.remove();
  await app?.close();
});

/** The `type base64` of every key on the demo account's dashboard, read through the platform's API. */
const dashboardKeys = async () => (await api.keys()).map((k) => keyPart(k.publicKey));

/** The page's file classes, for code that page.evaluate runs there (this file compiles for Node). */
type PageFiles = {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: string[], name: string) => unknown;
};

/** `SHA256:…` from `ssh-keygen -lf`'s line. */
const sha256Of = (line: string) => /SHA256:[A-Za-z0-9+/]+/.exec(line)?.[0] ?? '';

const localTable = (page: Page) => page.getByRole('grid', { name: 'Keys on this device' });
const localRow = (page: Page, name: string) =>
  localTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name, exact: true }) });

/** Runs a row's action from its "Actions for NAME" menu. */
async function rowAction(page: Page, name: string, action: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole('menuitem', { name: action }).click();
}

/** The public key the page copies for a key, read back from the clipboard. */
async function copiedPublicKey(page: Page, name: string): Promise<string> {
  await rowAction(page, name, 'Copy public key');
  await visible(page.getByText(`Copied the public key of ${name}.`));
  return readClipboard(page);
}

/** Deletes a key of this device through the confirmation dialog, with the choice given. */
async function deleteKey(page: Page, name: string, choice: RegExp, shot?: string): Promise<void> {
  await rowAction(page, name, 'Delete…');
  const dialog = await visible(page.getByRole('alertdialog', { name: `Delete the key ${name}?` }));
  const remove = dialog.getByRole('button', { name: 'Delete', exact: true });
  // Nothing is chosen for the user: the button waits for a choice.
  expect(await remove.isDisabled()).toBe(true);
  await dialog.getByRole('radio', { name: choice }).check({ force: true });
  if (shot) await showScreen(page, shot);
  await remove.click();
  await visible(page.getByText(new RegExp(`^Deleted ${name} `)));
  await localRow(page, name).waitFor({ state: 'detached' });
}

async function waitForRow(page: Page, name: string): Promise<Locator> {
  return visible(localRow(page, name));
}

describe('the keys page', () => {
  it('generates a key that goes to the dashboard and opens a terminal without the first-run key', async () => {
    const { page } = app;
    await openPage(page, 'Keys');
    const [firstRunKey] = await localKeyNames(page);
    expect(firstRunKey).toBeTruthy();
    await visible(localRow(page, firstRunKey!).getByText('On the dashboard'));
    await showScreen(page, 'keys-1-list');

    await page.getByRole('button', { name: 'Generate key', exact: true }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Generate a key' }));
    await dialog.getByLabel('Key name').fill('e2e laptop');
    await dialog.getByRole('button', { name: /RSA key size/ }).click();
    await page.getByRole('option', { name: '3072 bits' }).click();
    await showScreen(page, 'keys-2-generate');
    // Watched from before the press: the progress may be short on a fast machine.
    const progress = page
      .getByRole('progressbar', { name: 'Generating a 3072-bit RSA key…' })
      .waitFor({ state: 'attached' });
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    await progress;
    const row = await waitForRow(page, 'e2e laptop');
    expect(await row.innerText()).toMatch(/RSA 3072/);
    await visible(page.getByText(/^Generated e2e laptop \(SHA256:/));
    await showScreen(page, 'keys-3-generated');

    const publicKey = await copiedPublicKey(page, 'e2e laptop');
    expect(publicKey).toMatch(/^ssh-rsa AAAA\S+ e2e laptop$/);
    expect(await dashboardKeys()).not.toContain(keyPart(publicKey));
    await row.getByRole('button', { name: 'Add to dashboard: e2e laptop' }).click();
    await visible(row.getByText('On the dashboard'));
    expect(await dashboardKeys()).toContain(keyPart(publicKey));

    // Only the new key is left, here and on the dashboard: the terminal must be using it.
    const firstRunPublic = await copiedPublicKey(page, firstRunKey!);
    await deleteKey(page, firstRunKey!, /^From this device and the dashboard/, 'keys-4-delete');
    await eventually(dashboardKeys, (keys) => {
      expect(keys).not.toContain(keyPart(firstRunPublic));
      expect(keys).toContain(keyPart(publicKey));
    });
    expect(await localTable(page).getByRole('rowheader').allInnerTexts()).toEqual(['e2e laptop']);

    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    await visible(page.getByRole('tab', { name: /518839.*\(connected\)/ }));
    const term = terminal(page, 'Terminal on node 518839');
    await typeIn(term, 'echo $((6*7))\r');
    await waitForScreen(term, /^42$/m);
  });

  it('exports a key as a PuTTY .ppk with a passphrase and as OpenSSH, both readable by the tools', async () => {
    const { page } = app;
    await openPage(page, 'Keys');
    const expected = await localRow(page, 'e2e laptop')
      .getByText(/^SHA256:/)
      .innerText();

    await rowAction(page, 'e2e laptop', 'Export private key…');
    const dialog = await visible(page.getByRole('dialog', { name: 'Export the private key e2e laptop' }));
    const path = dialog.getByLabel('Save as');
    // Suggested in the downloads folder, named after the key and the format.
    await eventually(
      () => path.inputValue(),
      (value) => expect(value).toMatch(/^\/.+\/e2e-laptop\.ppk$/),
    );
    await dialog.getByRole('radio', { name: /^OpenSSH/ }).check({ force: true });
    expect(await path.inputValue()).toMatch(/\/e2e-laptop$/);
    await dialog.getByRole('radio', { name: /^PuTTY/ }).check({ force: true });
    await path.fill('relative/key.ppk');
    await visible(dialog.getByText(/Give the full path/));
    const ppk = `${files.dir}/exported.ppk`;
    await path.fill(ppk);
    await dialog.getByLabel('Passphrase (optional)').fill('export secret');
    await dialog.getByLabel('Repeat the passphrase').fill('export secreT');
    await visible(dialog.getByText('The two passphrases differ.'));
    expect(await dialog.getByRole('button', { name: 'Export', exact: true }).isDisabled()).toBe(true);
    await dialog.getByLabel('Repeat the passphrase').fill('export secret');
    await showScreen(page, 'keys-export');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await visible(page.getByText(`Exported e2e laptop to ${ppk} (PuTTY .ppk, with a passphrase).`));
    const passphrase = await files.file('export-passphrase', 'export secret\n');
    expect(await readFile(ppk, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa/);
    expect(sha256Of(await puttygen(ppk, '--old-passphrase', passphrase, '-l', '-E', 'sha256'))).toBe(
      expected,
    );

    await rowAction(page, 'e2e laptop', 'Export private key…');
    const again = await visible(page.getByRole('dialog', { name: 'Export the private key e2e laptop' }));
    await again.getByRole('radio', { name: /^OpenSSH/ }).check({ force: true });
    const openssh = `${files.dir}/exported_rsa`;
    await again.getByLabel('Save as').fill(openssh);
    await again.getByRole('button', { name: 'Export', exact: true }).click();
    await visible(page.getByText(`Exported e2e laptop to ${openssh} (OpenSSH).`));
    expect(sha256Of(await sshKeygen('-lf', openssh))).toBe(expected);
  });

  it('imports a PuTTY .ppk v3 with a passphrase, asking again after a wrong one', async () => {
    const { page } = app;
    const passphraseFile = await files.file('passphrase', 'correct horse battery staple\n');
    const ppk = `${files.dir}/putty-e2e.ppk`;
    await puttygen(
      '-t',
      'rsa',
      '-b',
      '2048',
      '-C',
      'putty e2e',
      '-q',
      '-o',
      ppk,
      '--new-passphrase',
      passphraseFile,
    );
    const publicPath = `${files.dir}/putty-e2e.pub`;
    await puttygen(ppk, '--old-passphrase', passphraseFile, '-O', 'public-openssh', '-o', publicPath);
    const expected = sha256Of(await sshKeygen('-lf', publicPath));
    expect(expected).toMatch(/^SHA256:/);

    await openPage(page, 'Keys');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import key file…' }).click();
    await (await chooser).setFiles(ppk);

    const dialog = await visible(page.getByRole('dialog', { name: 'Passphrase for putty-e2e.ppk' }));
    await dialog.getByLabel('Passphrase').fill('not the passphrase');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await visible(dialog.getByRole('alert').filter({ hasText: /^Wrong passphrase/ }));
    expect(await dialog.getByLabel('Passphrase').inputValue()).toBe('');
    await showScreen(page, 'keys-5-passphrase');
    await dialog.getByLabel('Passphrase').fill('correct horse battery staple');
    await dialog.getByRole('button', { name: 'Import' }).click();

    const row = await waitForRow(page, 'putty e2e');
    await visible(row.getByText(expected, { exact: true }));
    expect(await row.innerText()).toMatch(/RSA 2048/);
    await visible(page.getByText(`Imported putty e2e (${expected}). Add it to the dashboard to use it.`));
    await showScreen(page, 'keys-6-imported');
  });

  it('imports an OpenSSH key dropped on the page', async () => {
    const { page } = app;
    const path = `${files.dir}/id_ed25519`;
    await sshKeygen('-t', 'ed25519', '-N', '', '-C', 'dropped e2e', '-q', '-f', path);
    const expected = sha256Of(await sshKeygen('-lf', `${path}.pub`));
    const text = await readFile(path, 'utf8');

    const keys = await openPage(page, 'Keys');
    // A drop as the browser delivers one: a DataTransfer carrying the file.
    const dataTransfer = await page.evaluateHandle(
      ({ name, content }) => {
        const w = globalThis as unknown as PageFiles;
        const transfer = new w.DataTransfer();
        transfer.items.add(new w.File([content], name));
        return transfer;
      },
      { name: 'id_ed25519', content: text },
    );
    await keys.dispatchEvent('dragenter', { dataTransfer });
    await keys.dispatchEvent('dragover', { dataTransfer });
    await showScreen(page, 'keys-7-drop');
    await keys.dispatchEvent('drop', { dataTransfer });

    const row = await waitForRow(page, 'dropped e2e');
    await visible(row.getByText(expected, { exact: true }));
    expect(await row.innerText()).toMatch(/Ed25519/);
    // The sandbox's gateway takes RSA keys only, like Enscale's: the key is kept, with the reason it
    // cannot sign in there, next to it and right after the import (no "add it to the dashboard").
    const refusal =
      /^The SSH gateway of Sandbox accepts RSA keys only, so this Ed25519 key cannot sign in to it\./;
    const mark = await visible(row.getByRole('note').filter({ hasText: 'Not for the gateway' }));
    expect(await mark.getAttribute('title')).toMatch(refusal);
    await visible(page.getByText(`Imported dropped e2e (${expected}).`, { exact: true }));
    await visible(
      page
        .getByRole('note')
        .filter({ hasText: /^dropped e2e: The SSH gateway of Sandbox accepts RSA keys only/ }),
    );
    await showScreen(page, 'keys-8-refused-type');
  });

  it('deletes a key from this device and the dashboard, and a key only the dashboard has', async () => {
    const { page } = app;
    await openPage(page, 'Keys');
    const row = await waitForRow(page, 'putty e2e');
    await row.getByRole('button', { name: 'Add to dashboard: putty e2e' }).click();
    await visible(row.getByText('On the dashboard'));
    const publicKey = await copiedPublicKey(page, 'putty e2e');
    expect(await dashboardKeys()).toContain(keyPart(publicKey));

    await deleteKey(page, 'putty e2e', /^From this device and the dashboard/);
    await eventually(dashboardKeys, (keys) => expect(keys).not.toContain(keyPart(publicKey)));

    // Another computer's key: listed apart, and deleted from the dashboard alone.
    const other = `${files.dir}/other`;
    await sshKeygen('-t', 'ed25519', '-N', '', '-C', 'other computer', '-q', '-f', other);
    const otherPublic = (await readFile(`${other}.pub`, 'utf8')).trim();
    await api.addKey('Other computer', otherPublic);
    await page.getByRole('button', { name: 'Reload the key lists' }).click();
    const remote = page.getByRole('grid', { name: 'Dashboard keys not on this device' });
    await visible(remote.getByRole('rowheader', { name: 'Other computer' }));
    await showScreen(page, 'keys-8-dashboard-only');
    await remote.getByRole('button', { name: 'Delete Other computer from the dashboard' }).click();
    const confirm = await visible(
      page.getByRole('alertdialog', { name: 'Delete Other computer from the dashboard?' }),
    );
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await visible(page.getByText('Deleted Other computer from the dashboard.'));
    await eventually(dashboardKeys, (keys) => expect(keys).not.toContain(keyPart(otherPublic)));
    await remote.getByRole('rowheader', { name: 'Other computer' }).waitFor({ state: 'detached' });
  });
});
