import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startWebHost, type WebHostProcess } from '../webhost/webHostProcess.ts';
import { expectAccessible } from './accessibility.ts';

/** Where the end-to-end tests leave their screenshots and measurements (CI artifacts). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));

/** Debian's Chromium, with the flags this closed network needs (see the README's Tests section). */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Playwright's own waits, for UI that depends on real servers (key generation, SSH through the
// gateway); generous because the machine has two cores shared with other test files. They bound a
// wait for something to appear, not how fast it must be.
export const UI_TIMEOUT = 60_000;

/**
 * Waits until the locator is visible (Playwright's own wait). `timeout` is a hang guard for work that
 * is long by nature (a GiB transferred, 20 MB drawn in software WebGL), never a speed requirement.
 */
export async function visible(locator: Locator, timeout = UI_TIMEOUT): Promise<Locator> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (error) {
    await screenshot(locator.page(), `failed-${Date.now()}`);
    throw error;
  }
  return locator;
}

/** Polls `read` until it matches. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void): Promise<void> {
  await expect
    .poll(
      async () => {
        try {
          check(await read());
          return true;
        } catch {
          return false;
        }
      },
      { timeout: UI_TIMEOUT, interval: 200 },
    )
    .toBe(true);
}

export interface AppUnderTest {
  web: WebHostProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A sandbox node's home folder on this machine, to check what the app did on the node. */
  nodeHome(nodeId: number): string;
  /** The same folder as the node sees it: /var/www for the Apache node of an isolated (root) sandbox. */
  nodeRemoteHome(nodeId: number): string;
  close(): Promise<void>;
}

/**
 * The app as a user meets it: `start:web --sandbox` (a fresh, temporary profile), the built
 * renderer, and a Chromium page on the host's URL.
 */
export async function startApp(options: { env?: NodeJS.ProcessEnv } = {}): Promise<AppUnderTest> {
  const web = await startWebHost(['--sandbox'], options.env);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.origin });
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(web.ready.url);
    return {
      web,
      browser,
      context,
      page,
      nodeHome: (nodeId) => join(web.ready.sandbox!.data, 'nodes', String(nodeId), 'home'),
      nodeRemoteHome: (nodeId) => {
        const user = web.ready.sandbox!.nodes.find((node) => node.id === nodeId)?.user;
        const homes: Record<string, string> = {
          apache: '/var/www',
          mysql: '/var/lib/mysql',
          postgres: '/var/lib/pgsql',
        };
        return (user && homes[user]) ?? join(web.ready.sandbox!.data, 'nodes', String(nodeId), 'home');
      },
      async close() {
        await browser?.close();
        await web.stop();
        if (errors.length) throw new Error(`The page threw: ${errors.join('\n')}`);
      },
    };
  } catch (error) {
    await browser?.close();
    await web.stop();
    throw error;
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function saveMeasurement(name: string, value: unknown): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The first-run flow on the sandbox: platform, demo sign-in, a new key, the dashboard. With `shots`,
 * each screen is also photographed and audited (axe-core) on the way.
 */
export async function completeFirstRun(page: Page, shots?: string): Promise<void> {
  const record = async (step: string) => {
    if (!shots) return;
    await screenshot(page, `${shots}-${step}`);
    await expectAccessible(page, `${shots}-${step}`);
  };
  await page.getByRole('radio', { name: /Sandbox/ }).check({ force: true });
  await record('1-platform');
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await page.getByLabel('Email or login').inputValue()).toBe('demo@sandbox.local');
  await page.getByLabel('Password', { exact: true }).fill('demo');
  await record('2-sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Generate key' }).click();
  await visible(page.getByRole('progressbar', { name: /Generating a 4096-bit RSA key/ }));
  await record('3-key');
  await visible(page.getByRole('status').filter({ hasText: /the dashboard as/ }));
  await record('4-dashboard');
  await page.getByRole('button', { name: 'Show environments' }).click();
  await visible(page.getByRole('group', { name: 'Environment shop, Running' }));
}

/**
 * The app signed in on the sandbox (the first run done) with the DOM renderer, whose screen the tests
 * read: where most end-to-end files start. Closed again if a step fails, so no host is left running.
 */
export async function startSignedIn(): Promise<AppUnderTest> {
  const app = await startApp();
  try {
    await completeFirstRun(app.page);
    await setRenderer(app.page, 'DOM');
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Picks the terminal renderer on the Settings page (a tab). With the DOM renderer xterm.js draws text into the page,
 * where the tests read it (a WebGL terminal is a canvas); most tests use it.
 */
export async function setRenderer(page: Page, renderer: 'Automatic' | 'WebGL' | 'DOM'): Promise<void> {
  const active = page.getByRole('tab', { selected: true });
  const back = (await active.count()) > 0 ? await active.getAttribute('id') : null;
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const choice = page.getByRole('radio', { name: new RegExp(`^${renderer}`) });
  await choice.check({ force: true });
  expect(await choice.isChecked()).toBe(true);
  // Closed again, and back to the tab that was in front: the test goes on where it was.
  await page.getByRole('button', { name: 'Close Settings' }).click();
  if (back) await page.locator(`[id="${back}"]`).click();
}

/** The terminal region named e.g. "Terminal on node 518839". */
export function terminal(page: Page, name: string | RegExp): Locator {
  return page.getByRole('region', { name });
}

/** The text on the terminal's screen (DOM renderer), rows joined by newlines. */
export async function screenText(term: Locator): Promise<string> {
  return term.locator('.xterm-rows').innerText();
}

/** Types into a terminal as a user would: focus it, then keystrokes. */
export async function typeIn(term: Locator, text: string): Promise<void> {
  await term.locator('.xterm-helper-textarea').focus();
  await term.page().keyboard.type(text);
}

export async function waitForScreen(term: Locator, pattern: RegExp): Promise<string> {
  let text = '';
  try {
    await eventually(
      async () => (text = await screenText(term).catch(() => '')),
      (value) => expect(value).toMatch(pattern),
    );
  } catch (error) {
    await screenshot(term.page(), `failed-${Date.now()}`);
    throw new Error(`The terminal never showed ${pattern}; its screen:\n${text}`, { cause: error });
  }
  return text;
}

/**
 * Opens a page of the workbench (Keys, Settings) from its top-bar button, or shows it when its tab is
 * open already, and returns its region.
 */
export async function openPage(page: Page, name: 'Keys' | 'Settings'): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name, exact: true }).click();
  return visible(page.getByRole('region', { name, exact: true }));
}

/**
 * The names of the keys on this device, as the Keys page lists them once it has loaded them (the
 * table's empty state says "Loading…" until then, in a row of its own).
 */
export async function localKeyNames(page: Page): Promise<string[]> {
  const headers = page.getByRole('grid', { name: 'Keys on this device' }).getByRole('rowheader');
  let names: string[] = [];
  await eventually(
    async () => (names = await headers.allInnerTexts()),
    (value) => expect(value.length > 0 && !value.includes('Loading…')).toBe(true),
  );
  return names;
}

/** What the page last put on the clipboard (the context may read it: see startApp's permissions). */
export function readClipboard(page: Page): Promise<string> {
  // Runs in the page; this file compiles for Node, without the DOM's types.
  type PageNavigator = { navigator: { clipboard: { readText(): Promise<string> } } };
  return page.evaluate(() => (globalThis as unknown as PageNavigator).navigator.clipboard.readText());
}
