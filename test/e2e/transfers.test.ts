import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, saveMeasurement, screenshot, visible, type AppUnderTest } from './appUnderTest.ts';
import { fileRow, startOnFilePane, transferRow, type FilePaneSession, dropOnPane } from './filePane.ts';
import { showScreen } from './accessibility.ts';
import { randomFile, sha256 } from '../core/transfers/transferTestKit.ts';
import { expectNoFreeze, whileResponsive } from './responsiveness.ts';
import { nodeOwned } from '../core/support/nodeOwned.ts';

const MiB = 1024 * 1024;
/** The large upload's size: 1 GiB in every run; E2E_BIG_UPLOAD_MIB=6144 repeats it with a 6 GiB file. */
const BIG_MIB = Number(process.env['E2E_BIG_UPLOAD_MIB'] ?? 1024);
const [BIG_SIZE, BIG_UNIT] = BIG_MIB % 1024 === 0 ? [BIG_MIB / 1024, 'GiB'] : [BIG_MIB, 'MiB'];
/** `1gib`, `6gib`: the file's and the measurement's name. */
const BIG_LABEL = `${BIG_SIZE}${BIG_UNIT.toLowerCase()}`;
/** A hang guard for the big transfers on a busy two-core machine, not a speed requirement. */
const LONG = 900_000;

let session: FilePaneSession;
let app: AppUnderTest;
let local: string;
let nodeHome: string;

beforeAll(async () => {
  session = await startOnFilePane('e2e-transfers-');
  ({ app, local, nodeHome } = session);
});
afterAll(() => session?.stop());

/** Waits longer than the UI's usual wait: for transfers of a GiB or of 5,000 files. */
const shown = (locator: Locator) => visible(locator, LONG);

/** The fraction of a transfer done, as its progress bar announces it. */
async function progressOf(page: Page, name: string): Promise<number> {
  const bar = page.getByRole('progressbar', { name: `Progress of ${name}` });
  const now = Number(await bar.getAttribute('aria-valuenow'));
  const max = Number(await bar.getAttribute('aria-valuemax'));
  return max > 0 ? now / max : 0;
}

/** Every file under `dir`, as relative paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

describe('transfers from the file pane of node 518839', () => {
  it('asks about an existing file and keeps both when told to', async () => {
    const { page } = app;
    writeFileSync(join(nodeHome, 'report.txt'), 'the node’s own report\n');
    await nodeOwned(join(nodeHome, 'report.txt'));
    const file = join(local, 'report.txt');
    writeFileSync(file, 'a newer report from this computer\n');
    await dropOnPane(page, [file]);
    const dialog = await visible(page.getByRole('alertdialog', { name: 'File already exists' }));
    await showScreen(page, 'transfers-conflict');
    await dialog.getByRole('button', { name: 'Keep both' }).click();
    // The row keeps the dropped file's name and says where the copy went.
    expect(await (await visible(transferRow(page, 'report.txt', 'Done', 'Upload'))).innerText()).toContain(
      'report.txt → report (1).txt',
    );
    await visible(fileRow(page, 'report (1).txt'));
    expect(readFileSync(join(nodeHome, 'report (1).txt'), 'utf8')).toBe(readFileSync(file, 'utf8'));
    expect(readFileSync(join(nodeHome, 'report.txt'), 'utf8')).toBe('the node’s own report\n');
    // Readable by the node's other users (its web server), as a new file usually is; the browser
    // host's staged copy must not pass on a private mode.
    expect(statSync(join(nodeHome, 'report (1).txt')).mode & 0o044).toBe(0o044);
  });

  it(
    'cancels an upload mid-way, leaving nothing under its final name, then resumes it byte for byte',
    async () => {
      const { page } = app;
      const name = 'cancel-768mb.bin';
      const file = join(local, name);
      await randomFile(file, 768 * MiB);
      await dropOnPane(page, [file]);
      // The browser stages the file with the host first; then the core uploads it.
      await shown(transferRow(page, name, 'Running', 'Upload'));
      await eventually(
        () => progressOf(page, name),
        (done) => expect(done).toBeGreaterThan(0.15),
      );
      await screenshot(page, 'transfers-1-running');
      await page.getByRole('button', { name: `Cancel ${name}` }).click();
      await visible(transferRow(page, name, 'Cancelled', 'Upload'));
      await showScreen(page, 'transfers-2-cancelled');

      // Nothing under the final name: only the hidden partial file, cut back to what arrived.
      const partial = join(nodeHome, `.${name}.enscale-part`);
      expect(existsSync(join(nodeHome, name))).toBe(false);
      const kept = statSync(partial).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(768 * MiB);
      expect(await fileRow(page, name).count()).toBe(0);

      await page.getByRole('button', { name: `Resume ${name}` }).click();
      await shown(transferRow(page, name, 'Done', 'Upload'));
      const row = transferRow(page, name, 'Done', 'Upload');
      expect(await row.innerText()).toMatch(/resumed at \d/);
      // The pane lists it once it is done, without a refresh.
      await visible(fileRow(page, name));
      await showScreen(page, 'transfers-3-resumed');
      expect(existsSync(partial)).toBe(false);
      expect(statSync(join(nodeHome, name)).size).toBe(768 * MiB);
      expect(await sha256(join(nodeHome, name))).toBe(await sha256(file));
      await rm(join(nodeHome, name));
      await rm(file);
    },
    LONG,
  );

  it(
    `uploads a dropped ${BIG_SIZE} ${BIG_UNIT} file while the page keeps drawing and answering`,
    async () => {
      const { page } = app;
      const name = `big-${BIG_LABEL}.bin`;
      const file = join(local, name);
      await randomFile(file, BIG_MIB * MiB);
      // Two phases: the browser streams the file to the host's staging folder, then the core
      // uploads it over SFTP while the page shows progress.
      const staging = await whileResponsive(page, async () => {
        await dropOnPane(page, [file]);
        await shown(transferRow(page, name, '', 'Upload'));
      });
      let shot = false;
      const upload = await whileResponsive(page, async () => {
        await eventually(
          () => progressOf(page, name),
          (done) => expect(done).toBeGreaterThan(0.3),
        ).catch(() => undefined);
        if ((await transferRow(page, name, 'Running', 'Upload').count()) > 0) {
          await screenshot(page, 'transfers-4-active-and-done');
          shot = true;
        }
        await shown(transferRow(page, name, 'Done', 'Upload'));
      });
      expect(await sha256(join(nodeHome, name))).toBe(await sha256(file));
      const measurement = {
        bytes: BIG_MIB * MiB,
        staging,
        upload: { ...upload, mebibytesPerSecond: BIG_MIB / upload.seconds },
        screenshotWhileRunning: shot,
      };
      saveMeasurement(`upload-${BIG_LABEL}`, measurement);
      console.log(`${BIG_LABEL} upload:`, JSON.stringify(measurement));
      // Staging may be over in a moment; the upload runs long enough to show a freeze.
      expect(staging.pingsAnswered).toBeGreaterThan(0);
      expectNoFreeze(upload);
      await rm(join(nodeHome, name));
      await rm(file);
    },
    LONG,
  );

  it(
    'uploads a dropped folder of 5,000 small files while the page keeps answering',
    async () => {
      const { page } = app;
      const folder = join(local, 'five-thousand');
      for (let i = 0; i < 5000; i++) {
        const dir = join(folder, `part-${i % 20}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `file-${i}.bin`), randomBytes(100 + ((i * 37) % 4000)));
      }
      const staging = await whileResponsive(page, async () => {
        await dropOnPane(page, [folder]);
        // The browser streams the files to the host first, and the pane says so meanwhile — many
        // files to a request, so that may be over before the bar is seen.
        await visible(
          page
            .getByRole('progressbar', { name: 'Reading the dropped files' })
            .or(transferRow(page, 'five-thousand', '', 'Upload'))
            .first(),
        );
        await screenshot(page, 'transfers-staging-5000-files');
        await shown(transferRow(page, 'five-thousand', '', 'Upload'));
      });
      const upload = await whileResponsive(page, async () => {
        await shown(transferRow(page, 'five-thousand', 'Done', 'Upload'));
      });
      await visible(fileRow(page, 'five-thousand'));
      await showScreen(page, 'transfers-5-folder-done');
      expect(await transferRow(page, 'five-thousand', 'Done', 'Upload').innerText()).toMatch(
        /5000\/5000 files/,
      );
      const remote = join(nodeHome, 'five-thousand');
      const names = filesUnder(folder);
      expect(names).toHaveLength(5000);
      expect(filesUnder(remote)).toEqual(names);
      for (const name of names)
        expect(await sha256(join(remote, name)), name).toBe(await sha256(join(folder, name)));
      const measurement = { files: 5000, staging, upload, filesPerSecond: 5000 / upload.seconds };
      saveMeasurement('upload-5000-files', measurement);
      console.log('5,000 files:', JSON.stringify(measurement));
      // Staging may be over in a moment; the upload runs long enough to show a freeze.
      expect(staging.pingsAnswered).toBeGreaterThan(0);
      expectNoFreeze(upload);
    },
    LONG,
  );
});
