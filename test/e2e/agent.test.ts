import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, sshArgs } from '../core/agent/agentTools.ts';
import { showScreen } from './accessibility.ts';
import { completeFirstRun, openPage, startApp, visible, type AppUnderTest } from './appUnderTest.ts';

/**
 * The app as the user's SSH agent, seen from the window: Settings shows where it listens and the
 * line to export; with "Ask before each use" the real `ssh` to a node through the sandbox gateway
 * waits for the prompt, which names the key and the program; Allow lets it in, Deny keeps it out.
 */
let app: AppUnderTest;
let dir: string;
let socketPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-agent-'));
  app = await startApp();
  await completeFirstRun(app.page);
});
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const section = (page: Page) => page.getByRole('region', { name: 'SSH agent', exact: true });
const prompt = (page: Page) => page.getByRole('dialog', { name: 'Allow a signature with your key?' });
const ssh = () =>
  runTool(
    'ssh',
    sshArgs(app.web.ready.sandbox!.gateway!, '518839-4856', join(dir, 'known_hosts')),
    socketPath,
  );

describe('the SSH agent', () => {
  it('is on by default, and Settings shows its socket and the line to export', async () => {
    const { page } = app;
    await openPage(page, 'Settings');
    const agent = section(page);
    await agent.scrollIntoViewIfNeeded();
    const listening = await visible(agent.getByText(/^Listening on .*agent\.sock\./));
    socketPath = (await listening.locator('code').innerText()).trim();
    expect(socketPath).toMatch(/\/agent\/agent\.sock$/);
    await visible(agent.getByText(`SSH_AUTH_SOCK=${socketPath}; export SSH_AUTH_SOCK;`));
    const listed = await runTool('ssh-add', ['-l'], socketPath).done;
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^4096 SHA256:\S+ .+ \(RSA\)\n$/);
    await agent.getByText('Ask before each use').click();
    await visible(agent.getByText('Saved: each signature asks first.'));
    await showScreen(page, 'agent-1-settings');
  });

  it('holds ssh until the prompt is answered; Allow signs it in', async () => {
    const { page } = app;
    const run = ssh();
    const dialog = await visible(prompt(page));
    await visible(dialog.getByText(/^ssh \(process \d+\)$/));
    expect(run.exited()).toBe(false);
    await showScreen(page, 'agent-2-prompt');
    await dialog.getByRole('button', { name: 'Allow' }).click();
    const { code, stderr } = await run.done;
    expect(stderr).not.toMatch(/Permission denied/);
    expect(code).toBe(0);
    await prompt(page).waitFor({ state: 'detached' });
  });

  it('Deny refuses the signature: ssh is not let in', async () => {
    const { page } = app;
    const run = ssh();
    const dialog = await visible(prompt(page));
    await dialog.getByRole('button', { name: 'Deny' }).click();
    await prompt(page).waitFor({ state: 'detached' });
    const { code, stderr } = await run.done;
    expect(code).toBe(255);
    expect(stderr).toMatch(/Permission denied/);
  });
});
