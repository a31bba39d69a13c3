import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showScreen } from './accessibility.ts';
import {
  completeFirstRun,
  eventually,
  openPage,
  readClipboard,
  startApp,
  visible,
  type AppUnderTest,
} from './appUnderTest.ts';

/*
 * "Copy ssh config" on a node and an environment, and Settings → ssh config → "Write to
 * ~/.ssh/config", in the browser host whose HOME is a temp folder (the core's home for ~/.ssh); then
 * the real ssh, with the written file and the host's agent only, reaches the node.
 */
let app: AppUnderTest;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'e2e-ssh-config-'));
  app = await startApp({ env: { HOME: home } });
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const toast = (page: Page, title: string) => page.locator('.toast').filter({ hasText: title });

function ssh(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('ssh', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('ssh config', () => {
  it('copies a node’s entry from its menu, and an environment’s from its ⋯ menu', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'More actions for node 518839' }).click();
    await visible(page.getByRole('menuitem', { name: 'Copy ssh config' }));
    await showScreen(page, 'ssh-config-1-node-menu');
    await page.getByRole('menuitem', { name: 'Copy ssh config' }).click();
    await visible(toast(page, 'Copied the ssh config for node 518839'));
    const node = await readClipboard(page);
    expect(node.match(/^Host .*/gm)).toEqual(['Host shop-518839']);
    expect(node).toContain('  User 518839-4856\n');
    await showScreen(page, 'ssh-config-2-copied');

    await page.getByRole('button', { name: 'Actions for environment shop' }).click();
    await page.getByRole('menuitem', { name: 'Copy ssh config' }).click();
    await visible(toast(page, 'Copied the ssh config for environment shop'));
    await eventually(
      () => readClipboard(page),
      (text) => expect(text.match(/^Host .*/gm)).toEqual(['Host shop-518839', 'Host shop-518840']),
    );
  });

  it('writes the Include to ~/.ssh/config from Settings, and ssh then reaches the node', async () => {
    const { page } = app;
    await mkdir(join(home, '.ssh'), { mode: 0o700 });
    await writeFile(join(home, '.ssh', 'config'), '# mine\nHost example.org\n  User me\n');
    await openPage(page, 'Settings');
    const section = page.getByRole('region', { name: 'ssh config', exact: true });
    await visible(section.getByText('Not in'));
    await section.getByRole('button', { name: 'Write to ~/.ssh/config' }).click();
    await visible(section.getByText(/includes .*enscale-ssh\.config \(4 hosts\), kept current/));
    await section.scrollIntoViewIfNeeded();
    await showScreen(page, 'ssh-config-3-settings');
    const config = await readFile(join(home, '.ssh', 'config'), 'utf8');
    expect(config).toMatch(
      /^# Added by Enscale SSH .*\nInclude enscale-ssh\.config\n\n# mine\nHost example\.org\n {2}User me\n$/,
    );

    const reached = await ssh([
      '-F',
      join(home, '.ssh', 'enscale-ssh.config'),
      '-o',
      'BatchMode=yes',
      'shop-518839',
      'true',
    ]);
    expect(reached.code, reached.stderr).toBe(0);

    await section.getByRole('button', { name: 'Remove from ~/.ssh/config' }).click();
    await visible(section.getByText('Not in'));
    expect(await readFile(join(home, '.ssh', 'config'), 'utf8')).toBe(
      '# mine\nHost example.org\n  User me\n',
    );
  });
});
