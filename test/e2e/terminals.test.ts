import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeFirstRun,
  eventually,
  saveMeasurement,
  screenText,
  startApp,
  terminal,
  typeIn,
  setRenderer,
  visible,
  waitForScreen,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';
import { expectNoFreeze, whileResponsive, type Responsiveness } from './responsiveness.ts';
import { SandboxApi } from './sandboxApi.ts';

let app: AppUnderTest;
let api: SandboxApi;

beforeAll(async () => {
  app = await startApp();
  api = new SandboxApi(app.web.ready.sandbox!.api);
  await completeFirstRun(app.page);
  await setRenderer(app.page, 'DOM');
});
afterAll(async () => {
  await app?.close();
});

const nodeTab = (page: Page, nodeId: number, state = 'connected') =>
  page.getByRole('tab', { name: new RegExp(`${nodeId}.*\\(${state}\\)`) });

/** Opens node N's terminal from the sidebar and waits until it is connected. */
async function openNode(page: Page, nodeId: number) {
  await page.getByRole('button', { name: `Open terminal on node ${nodeId}` }).click();
  await visible(nodeTab(page, nodeId));
  return terminal(page, `Terminal on node ${nodeId}`);
}

/** The bits of a canvas the WebGL probe uses (this file compiles for Node, without the DOM types). */
interface HTMLCanvas {
  getContext(kind: 'webgl2'): {
    getExtension(name: 'WEBGL_debug_renderer_info'): { UNMASKED_RENDERER_WEBGL: number } | null;
    getParameter(name: number): unknown;
  } | null;
}

// Which node a terminal is on, from the host name the platform gives it (node518839-shop.sandbox.local).
const WHICH_NODE = 'echo "node-$(hostname | cut -d- -f1 | tr -dc 0-9)"\r';

describe('terminal tabs', () => {
  it('keeps two node terminals open at once, each on its own node', async () => {
    const { page } = app;
    const first = await openNode(page, 518839);
    await typeIn(first, WHICH_NODE);
    await waitForScreen(first, /^node-518839$/m);

    const second = await openNode(page, 518840);
    await typeIn(second, WHICH_NODE);
    await waitForScreen(second, /^node-518840$/m);
    expect(await page.getByRole('tab').count()).toBe(2);
    await showScreen(page, 'tabs-1-two-nodes');

    // Back to the first tab: its screen and session are still there, and it has the keyboard.
    await nodeTab(page, 518839).click();
    await eventually(
      () =>
        first
          .locator('.xterm-helper-textarea')
          .evaluate((el) => (el as unknown as { matches(s: string): boolean }).matches(':focus')),
      (hasFocus) => expect(hasFocus).toBe(true),
    );
    await typeIn(first, 'echo back-$((20+1))\r');
    await waitForScreen(first, /^back-21$/m);
    expect(await screenText(first)).toMatch(/^node-518839$/m);
  });

  it('reorders, moves between and closes tabs from the keyboard', async () => {
    const { page } = app;
    const names = async () => (await page.getByRole('tab').allTextContents()).map((t) => t.split(' ')[0]);
    expect(await names()).toEqual(['518839', '518840']);
    await typeIn(terminal(page, 'Terminal on node 518839'), '');
    await page.keyboard.press('Control+Shift+PageDown');
    expect(await names()).toEqual(['518840', '518839']);
    await page.keyboard.press('Control+Shift+PageUp');
    expect(await names()).toEqual(['518839', '518840']);
    // One tab stop for the strip (WAI-ARIA tabs): arrows, Home and End move between the tabs and show
    // them; Delete closes the focused one.
    const selected = async () =>
      (await page.getByRole('tab', { selected: true }).textContent())?.split(' ')[0];
    const focused = (node: number) =>
      nodeTab(page, node).evaluate((el) =>
        (el as unknown as { matches(s: string): boolean }).matches(':focus'),
      );
    await nodeTab(page, 518839).focus();
    await page.keyboard.press('ArrowRight');
    expect([await selected(), await focused(518840)]).toEqual(['518840', true]);
    await page.keyboard.press('Home');
    expect([await selected(), await focused(518839)]).toEqual(['518839', true]);
    await page.keyboard.press('End');
    await page.keyboard.press('Delete');
    expect(await names()).toEqual(['518839']);
  });

  it('goes through the gateway menu to a node by its number', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open gateway menu' }).click();
    await visible(page.getByRole('tab', { name: /Gateway menu.*\(connected\)/ }));
    const menu = terminal(page, 'Gateway menu terminal');
    const environments = await waitForScreen(menu, /Please select the required environment/);
    const shop = /^\s*(\d+)\.\s+shop\s/m.exec(environments);
    expect(shop).not.toBeNull();
    await showScreen(page, 'menu-1-environments');
    await typeIn(menu, `${shop![1]}\r`);
    const nodes = await waitForScreen(menu, /Please select the required container in 'shop'[\s\S]*518839/);
    const apache = /^\s*(\d+)\.\s+.*\b518839\b/m.exec(nodes.slice(nodes.lastIndexOf('Please select')));
    expect(apache).not.toBeNull();
    await showScreen(page, 'menu-2-nodes');
    await typeIn(menu, `${apache![1]}\r`);
    await typeIn(menu, WHICH_NODE);
    await waitForScreen(menu, /^node-518839$/m);
  });

  it('opens a local shell with Ctrl+Shift+T', async () => {
    const { page } = app;
    await page.keyboard.press('Control+Shift+T');
    await visible(page.getByRole('tab', { name: /Local shell.*\(connected\)/ }));
    const local = terminal(page, 'Local shell');
    await typeIn(local, 'echo local-$((2*21))\r');
    await waitForScreen(local, /^local-42$/m);
    await page.keyboard.press('Control+Shift+W');
    await page.getByRole('tab', { name: /Local shell/ }).waitFor({ state: 'detached' });
  });

  it('copies the ssh and sftp command lines of a node for scripts', async () => {
    const { page } = app;
    const gateway = app.web.ready.sandbox!.gateway!;
    const clipboard = () =>
      page.evaluate(() =>
        (
          globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
        ).navigator.clipboard.readText(),
      );
    await page.getByRole('button', { name: 'More actions for node 518840' }).click();
    await page.getByRole('menuitem', { name: 'Copy ssh command' }).click();
    await eventually(clipboard, (text) =>
      expect(text).toBe(`ssh 518840-4856@${gateway.host} -p ${gateway.port}`),
    );
    await page.getByRole('button', { name: 'More actions for node 518840' }).click();
    await page.getByRole('menuitem', { name: 'Copy sftp command' }).click();
    await eventually(clipboard, (text) =>
      expect(text).toBe(`sftp -P ${gateway.port} 518840-4856@${gateway.host}`),
    );
  });

  it('shows a stopped environment disabled, with the reason', async () => {
    const { page } = app;
    const staging = page.getByRole('group', { name: 'Environment staging, Stopped' });
    await visible(staging);
    // The group itself stays enabled: its ⋯ menu starts it (aria-disabled would disable that too).
    expect(await staging.getAttribute('aria-disabled')).toBeNull();
    expect(await staging.getAttribute('title')).toMatch(/stopped: start it from its ⋯ menu/);
    expect(await page.getByRole('button', { name: 'Actions for environment staging' }).isEnabled()).toBe(
      true,
    );
    expect(await page.getByRole('button', { name: 'Open terminal on node 518850' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Open files on node 518850' }).isDisabled()).toBe(true);
    await staging.scrollIntoViewIfNeeded();
    await showScreen(page, 'sidebar-stopped-environment');
  });

  it('draws a 20 MB cat without the page becoming unresponsive', async () => {
    const { page } = app;
    const term = terminal(page, 'Terminal on node 518839');
    await nodeTab(page, 518839).click();
    // 15 MB of random bytes as base64 lines of 120 characters: 20.2 MB of text.
    await typeIn(term, 'head -c 15000000 /dev/urandom | base64 -w 120 > big.txt; wc -c < big.txt\r');
    const sizeText = await waitForScreen(term, /^\d{8}$/m);
    const bytes = Number(/^(\d{8})$/m.exec(sizeText)![1]);
    await typeIn(term, 'clear\r');

    // xterm's DOM renderer (these tests choose it in Settings): done when the marker is drawn.
    const dom = await whileResponsive(page, async () => {
      await typeIn(term, 'cat big.txt; echo cat-done-$((40+2))\r');
      await waitForScreen(term, /^cat-done-42$/m);
    });
    await showScreen(page, 'terminal-after-20mb-cat');

    // WebGL (the default): a canvas, so done is the shell's exit, which the core reports only after
    // all output went to the page (at most the 500 KB flow-control window is then still undrawn).
    await setRenderer(page, 'WebGL');
    await page.getByRole('button', { name: 'Open terminal on node 518839' }).click();
    const webglTab = page.getByRole('tab', { name: /518839.*\(connected\)/ }).last();
    await visible(webglTab);
    const webglTerm = terminal(page, 'Terminal on node 518839').last();
    const webgl = await whileResponsive(page, async () => {
      await typeIn(webglTerm, 'cat big.txt; exit\r');
      // SwiftShader draws 20 MB in about a minute on a quiet machine: a longer hang guard.
      await visible(page.getByRole('tab', { name: /518839.*\(exited\)/ }), 300_000);
    });
    await showScreen(page, 'terminal-after-20mb-cat-webgl');
    await page
      .getByRole('button', { name: /^Close 518839/ })
      .last()
      .click();
    await setRenderer(page, 'DOM');

    const report = (run: Responsiveness) => ({ ...run, megabytesPerSecond: bytes / 1e6 / run.seconds });
    // What "Automatic" picks here: the WebGL device Chromium reports (SwiftShader means software).
    const webglDevice = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): HTMLCanvas } })
        .document;
      const gl = doc.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'none';
    });
    const measurement = { bytes, webglDevice, domRenderer: report(dom), webglRenderer: report(webgl) };
    saveMeasurement('cat-20mb', measurement);
    console.log('20 MB cat:', JSON.stringify(measurement));
    // The page kept answering and drawing while the output streamed; the figures above are the report.
    for (const run of [dom, webgl]) expectNoFreeze(run);
    await nodeTab(page, 518839).click();
    await typeIn(term, 'rm big.txt\r');
  }, 600_000);

  it('reconnects a tab after its node’s sshd restarts', async () => {
    const { page } = app;
    const term = terminal(page, 'Terminal on node 518839');
    await nodeTab(page, 518839).click();
    // Stopping the environment stops its nodes' sshd; starting it starts them again.
    await api.stopEnvironment('shop');
    await visible(nodeTab(page, 518839, 'disconnected'));
    await visible(page.getByRole('alert').filter({ hasText: /Disconnected/ }));
    await showScreen(page, 'terminal-reconnecting');
    await api.startEnvironment('shop');
    await visible(nodeTab(page, 518839, 'connected'));
    await eventually(
      () => screenText(term),
      (text) => expect(text).toMatch(/— reconnected —/),
    );
    await typeIn(term, 'echo again-$((6*7))\r');
    await waitForScreen(term, /^again-42$/m);
  });
});
