import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showScreen } from './accessibility.ts';
import {
  eventually,
  screenText,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  startSignedIn,
  type AppUnderTest,
} from './appUnderTest.ts';

/*
 * Split panes and broadcast (issue 19): one tab with a pane on each of shop's two nodes, what is typed
 * once going to both while broadcast is on and to one pane only while it is off. What each command
 * did is read back on each node itself, straight from its sshd with the sandbox's node-access key
 * (not through the app, the gateway or the terminal's screen): every isolated node has its own host
 * name and its own /tmp.
 */

let app: AppUnderTest;
const clients = new Map<number, ssh2.Client>();

beforeAll(async () => {
  app = await startSignedIn();
});
afterAll(async () => {
  for (const client of clients.values()) client.end();
  await app?.close();
});

/** A connection straight to node N's sshd, its pinned host key checked. */
async function nodeClient(nodeId: number): Promise<ssh2.Client> {
  const known = clients.get(nodeId);
  if (known) return known;
  const sandbox = app.web.ready.sandbox!;
  const node = sandbox.nodes.find((candidate) => candidate.id === nodeId);
  if (!node?.host || !node.port || !node.user) throw new Error(`Node ${nodeId} is not running.`);
  const hostKey = readFileSync(
    join(sandbox.data, 'nodes', String(nodeId), 'etc', 'ssh_host_ed25519_key.pub'),
    'utf8',
  );
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: node.host!,
      port: node.port!,
      username: node.user!,
      privateKey: readFileSync(join(sandbox.data, 'gateway', 'node_access_ed25519')),
      hostVerifier: (key: Buffer) => key.toString('base64') === hostKey.split(' ')[1],
    });
  });
  clients.set(nodeId, client);
  return client;
}

/** Runs a command on node N (not through the app) and gives its output. */
async function onNode(nodeId: number, command: string): Promise<string> {
  const client = await nodeClient(nodeId);
  return new Promise((resolve, reject) =>
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      let out = '';
      channel.on('data', (data: Buffer) => (out += data.toString()));
      channel.stderr.on('data', () => undefined);
      channel.on('close', () => resolve(out));
    }),
  );
}

/** A file in node N's /tmp, or `<missing>`. */
const tmpFile = (nodeId: number, name: string) =>
  onNode(nodeId, `if [ -e /tmp/${name} ]; then cat /tmp/${name}; else echo '<missing>'; fi`).then((text) =>
    text.trim(),
  );

async function untilFile(nodeId: number, name: string, content: string): Promise<void> {
  let last = '';
  try {
    await eventually(
      async () => (last = await tmpFile(nodeId, name)),
      (text) => expect(text).toBe(content),
    );
  } catch (error) {
    throw new Error(
      `Node ${nodeId}'s /tmp/${name} never held ${JSON.stringify(content)}: ${JSON.stringify(last)}`,
      {
        cause: error,
      },
    );
  }
}

const pane = (page: Page, name: string | RegExp) => page.getByRole('group', { name });
const A = 518839;
const B = 518840;

describe('split panes and broadcast', () => {
  let first: Locator;
  let second: Locator;

  it('opens a terminal on every node of an environment in one tab, a pane each', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Open a terminal on every node of shop' }).click();
    await visible(page.getByRole('tab', { name: /^All nodes · shop \(connected\)/ }));
    first = terminal(page, new RegExp(`^Terminal on node ${A}$`));
    second = terminal(page, new RegExp(`^Terminal on node ${B}$`));
    for (const [term, id] of [
      [first, A],
      [second, B],
    ] as const) {
      await typeIn(term, 'echo "node-$(hostname | cut -d- -f1 | tr -dc 0-9)"\r');
      await waitForScreen(term, new RegExp(`^node-${id}$`, 'm'));
    }
    expect(await page.getByRole('tab').count()).toBe(1);
    await visible(pane(page, `Pane ${A} · shop`));
    await visible(pane(page, `Pane ${B} · shop`));
    await showScreen(page, 'broadcast-1-two-panes');
  });

  it('with broadcast off, sends what is typed to the focused pane only', async () => {
    await typeIn(first, 'echo one-pane > /tmp/solo\r');
    await untilFile(A, 'solo', 'one-pane');
    // B's input is one ordered stream: once its own later command has run, a misrouted one would have too.
    await typeIn(second, 'echo b-here > /tmp/b-here\r');
    await untilFile(B, 'b-here', 'b-here');
    expect(await tmpFile(B, 'solo')).toBe('<missing>');
    expect(await tmpFile(A, 'b-here')).toBe('<missing>');
    expect(await screenText(second)).not.toMatch(/one-pane/);
  });

  it('with broadcast on, one command typed once runs on every node, each writing its own file', async () => {
    const { page } = app;
    await typeIn(first, '');
    const toggle = page.getByRole('button', { name: 'Broadcast to all panes' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await visible(pane(page, `Pane ${A} · shop, receiving broadcast`));
    await visible(pane(page, `Pane ${B} · shop, receiving broadcast`));
    await visible(
      page.getByRole('tab', { name: /All nodes · shop \(connected\).*broadcasting to its panes/ }),
    );
    await visible(page.getByRole('status').filter({ hasText: 'Typing goes to 2 of 2 panes' }));

    await typeIn(first, 'hostname > /tmp/bcast\r');
    await untilFile(A, 'bcast', `node${A}-shop.sandbox.local`);
    await untilFile(B, 'bcast', `node${B}-shop.sandbox.local`);
    // Each file holds its own node's name as that node tells it.
    expect(await tmpFile(A, 'bcast')).toBe((await onNode(A, 'hostname')).trim());
    expect(await tmpFile(B, 'bcast')).toBe((await onNode(B, 'hostname')).trim());
    await waitForScreen(second, /hostname > \/tmp\/bcast/);
    await showScreen(page, 'broadcast-2-on');
  });

  it('leaves a pane out by its indicator, and a pane whose shell is gone receives nothing', async () => {
    const { page } = app;
    // The pane's tag: named by what it shows and the pane ("BROADCAST, 518840 · shop"), pressed while in.
    const tagB = page.getByRole('button', { name: new RegExp(`, ${B} · shop$`) });
    await tagB.click();
    expect(await tagB.getAttribute('aria-pressed')).toBe('false');
    await visible(pane(page, `Pane ${B} · shop, not receiving broadcast (left out)`));
    await visible(page.getByRole('status').filter({ hasText: 'Typing goes to 1 of 2 panes' }));
    await typeIn(first, 'echo only-a > /tmp/only-a\r');
    await untilFile(A, 'only-a', 'only-a');
    // Typed in the left-out pane: it stays there.
    await typeIn(second, 'echo only-b > /tmp/only-b\r');
    await untilFile(B, 'only-b', 'only-b');
    expect(await tmpFile(B, 'only-a')).toBe('<missing>');
    await typeIn(first, 'echo a-after > /tmp/a-after\r');
    await untilFile(A, 'a-after', 'a-after');
    expect(await tmpFile(A, 'only-b')).toBe('<missing>');

    // Its shell ends (typed while it is left out, so A's goes on), then it is back in: it says it is
    // not receiving, and an Enter typed in A does not start it again (the exited shell's "press Enter").
    await typeIn(second, 'exit\r');
    await waitForScreen(second, /exited with code 0/);
    await tagB.click();
    expect(await tagB.getAttribute('aria-pressed')).toBe('true');
    await visible(pane(page, `Pane ${B} · shop, not receiving broadcast (exited)`));
    await typeIn(first, 'echo while-b-gone > /tmp/while\r');
    await untilFile(A, 'while', 'while-b-gone');
    await showScreen(page, 'broadcast-3-pane-not-receiving');
    expect(await tmpFile(B, 'while')).toBe('<missing>');
    expect(await pane(page, /^Pane 518840 · shop, not receiving broadcast \(exited\)$/).count()).toBe(1);
    await typeIn(second, '\r');
    await visible(pane(page, `Pane ${B} · shop, receiving broadcast`));
  });

  it('turning broadcast off (Ctrl+Shift+B) stops it for the very next key', async () => {
    const { page } = app;
    await typeIn(first, '');
    await page.keyboard.press('Control+Shift+B');
    await typeIn(first, 'echo after-off > /tmp/after-off\r');
    await untilFile(A, 'after-off', 'after-off');
    await typeIn(second, 'echo b-later > /tmp/b-later\r');
    await untilFile(B, 'b-later', 'b-later');
    expect(await tmpFile(B, 'after-off')).toBe('<missing>');
    expect(
      await page.getByRole('button', { name: 'Broadcast to all panes' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(await pane(page, /receiving broadcast/).count()).toBe(0);
    expect(await page.getByRole('tab', { name: /broadcasting/ }).count()).toBe(0);
  });

  it('keeps a terminal’s answers to its own program’s queries out of the other panes', async () => {
    const { page } = app;
    const toggle = page.getByRole('button', { name: 'Broadcast to all panes' });
    // B records every byte it is sent; A waits for a line, then asks its terminal who it is (DA).
    await typeIn(second, 'cat -v > /tmp/b-in\r');
    await typeIn(first, "read -r go && printf '\\033[c' && echo asked\r");
    await toggle.click();
    await typeIn(first, 'x\r');
    await waitForScreen(first, /^asked$/m);
    await typeIn(first, 'y\r');
    await toggle.click();
    await typeIn(second, '');
    await page.keyboard.press('Control+d');
    // Both typed lines, and not A's xterm answer (ESC[?1;2c, "^[[?1;2c" under cat -v).
    await untilFile(B, 'b-in', 'x\ny');
  });

  it('splits a pane on the same node, moves between panes, resizes and closes them', async () => {
    const { page } = app;
    await typeIn(first, '');
    await page.keyboard.press('Control+Shift+E');
    const third = terminal(page, `Terminal on node ${A} (2)`);
    expect(await terminal(page, /^Terminal on node 518839/).count()).toBe(2);
    await visible(third);
    await typeIn(third, 'echo "third-$(hostname | cut -d- -f1)"\r');
    await waitForScreen(third, new RegExp(`^third-node${A}$`, 'm'));
    // The new pane took the keyboard; Ctrl+Alt+Up goes back to the pane above it.
    await page.keyboard.press('Control+Alt+ArrowUp');
    await page.keyboard.type('echo back-up\r');
    await waitForScreen(first, /^back-up$/m);

    const splitter = page.getByRole('separator', { name: `Resize ${A} · shop and ${A} · shop (2)` });
    expect(await splitter.getAttribute('aria-valuenow')).toBe('50');
    await splitter.focus();
    await page.keyboard.press('ArrowDown');
    expect(await splitter.getAttribute('aria-valuenow')).toBe('55');
    const box = (await splitter.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 120, { steps: 4 });
    await page.mouse.up();
    expect(Number(await splitter.getAttribute('aria-valuenow'))).toBeLessThan(50);
    await showScreen(page, 'panes-split-three');

    await page.getByRole('button', { name: `Close pane ${A} · shop (2)` }).click();
    await third.waitFor({ state: 'detached' });
    expect(await page.getByRole('separator').count()).toBe(1);
    // The pane that stayed kept its session: the earlier lines are still on its screen.
    expect(await screenText(first)).toMatch(/^back-up$/m);
    await page.getByRole('button', { name: `Close pane ${B} · shop` }).click();
    await second.waitFor({ state: 'detached' });
    // One pane left: no bar, no heads, the tab as any other.
    expect(await page.getByRole('toolbar', { name: /Panes of/ }).count()).toBe(0);
    await typeIn(first, 'echo still-$((6*7))\r');
    await waitForScreen(first, /^still-42$/m);

    // A one-pane tab split from its menu: the pane it had keeps its terminal and session.
    await page.getByRole('button', { name: 'Actions for All nodes · shop' }).click();
    await page.getByRole('menuitem', { name: 'Split right' }).click();
    const right = terminal(page, `Terminal on node ${A} (2)`);
    await typeIn(right, 'echo right-$((6*7))\r');
    await waitForScreen(right, /^right-42$/m);
    expect(await screenText(first)).toMatch(/^still-42$/m);
    await typeIn(first, 'echo same-session\r');
    await waitForScreen(first, /^same-session$/m);
  });
});
