import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS_IN_MEMORY_NOTICE } from '../../shared/src/settings.ts';
import {
  CHROMIUM,
  completeFirstRun,
  screenshot,
  setRenderer,
  terminal,
  typeIn,
  UI_TIMEOUT,
  visible,
  waitForScreen,
} from '../e2e/appUnderTest.ts';
import {
  filesUnder,
  filesWithSecrets,
  noDesktopEnv,
  occurrences,
  requirePrograms,
  startHost,
  tempDirOf,
  type Host,
} from './noDesktop.ts';

/**
 * `npm run start:web -- --sandbox` on a machine with no desktop session (no D-Bus, no DISPLAY): the
 * temporary profile keeps its keys and session in memory, says so once in its log and once in the
 * window, and everything works — sign-in, a new key synced to the dashboard, a node's terminal.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

let dir: string;
let temp: string;
let host: Host | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with bash scripts/install-system-deps.sh (Debian package chromium).`,
    );
  requirePrograms([
    ['sshd', 'openssh-server'],
    ['mariadbd', 'mariadb-server'],
  ]);
  dir = mkdtempSync(join(tmpdir(), 'nokeychain-web-'));
  temp = tempDirOf(dir);
  const env = noDesktopEnv(dir);
  host = await startHost(['--sandbox'], env);
  // The browser runs on the same machine, in the same environment.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  page = await context.newPage();
  await page.goto(host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the browser host with no keychain on the machine', () => {
  it('keeps a temporary profile’s secrets in memory, says so once, and reaches a node terminal', async () => {
    expect(occurrences(host!.stderr(), SECRETS_IN_MEMORY_NOTICE)).toBe(1);

    await completeFirstRun(page, 'nokeychain');
    const notice = page.getByRole('note', { name: 'Secrets in memory' });
    await visible(notice);
    expect(await notice.count()).toBe(1);
    expect(await notice.textContent()).toContain(SECRETS_IN_MEMORY_NOTICE);

    await setRenderer(page, 'DOM');
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const node = terminal(page, 'Terminal on node 518839');
    await visible(node);
    await typeIn(node, 'echo "memory-$((6*7))"\r');
    await waitForScreen(node, /^memory-42$/m);
    await screenshot(page, 'nokeychain-terminal');

    // While it runs, the temporary profile holds no session and no key in the clear: those are in
    // the core's memory (a key's file on disk is sealed with a data key that is not).
    const profiles = readdirSync(temp).filter((name) => name.startsWith('enscale-web-'));
    expect(profiles).toHaveLength(1);
    const profile = join(temp, profiles[0]!);
    expect(filesUnder(join(profile, 'keys')).length).toBeGreaterThan(0);
    expect(filesWithSecrets(profile, [])).toEqual([]);

    // Said once: dismissed, it stays away when the page reloads.
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    expect(await notice.count()).toBe(0);
    await page.reload();
    await visible(page.getByRole('button', { name: 'Open terminal on node 518839' }));
    expect(await page.getByRole('note', { name: 'Secrets in memory' }).count()).toBe(0);

    expect(await host!.stop()).toBe(0);
    expect(occurrences(host!.stderr(), SECRETS_IN_MEMORY_NOTICE)).toBe(1);
    // The profile went with the process, and its secrets with it.
    expect(existsSync(profile)).toBe(false);
  });
});
