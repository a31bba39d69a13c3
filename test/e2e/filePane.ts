import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dropFiles } from './dropFiles.ts';
import { completeFirstRun, startApp, visible, type AppUnderTest } from './appUnderTest.ts';

/** Node 518839's file pane as the end-to-end tests open it and find its pieces by role and name. */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const pane = (page: Page) => page.getByRole('region', { name: 'Files on node 518839' });

/** Where files dropped on the pane (not on a folder row) go into the folder shown. */
export const dropZone = (page: Page) => pane(page).locator('.files-table-host');

/**
 * Drops onto the pane's empty space below the rows, so the files go into the folder shown: the home
 * of an Apache node starts with the webroot folder's row, where a drop near the top would land.
 */
export const dropOnPane = (page: Page, paths: string[]) => dropFiles(dropZone(page), paths, 'bottom');

/** The row of the entry named `name`, exactly (not one whose name merely starts the same). */
export const fileRow = (page: Page, name: string) =>
  pane(page).getByRole('row', { name: new RegExp(`^${escape(name)}\\b`) });

/** A transfer in the Transfers panel, e.g. "Upload notes.md, Skipped"; either direction when not given. */
export const transferRow = (page: Page, name: string, state = '', direction?: 'Upload' | 'Download') =>
  page.getByRole('listitem', {
    name: new RegExp(`^${direction ?? '(Upload|Download)'} ${escape(name)}, ${state}`),
  });

/** The app after first run, node 518839's file pane open, and a local scratch folder. */
export interface FilePaneSession {
  app: AppUnderTest;
  /** A local folder of this test file's own, removed by `stop`. */
  local: string;
  /** Node 518839's home on this machine: the sandbox runs each node's sshd here, in its own home. */
  nodeHome: string;
  /** The same folder as the node sees it (its paths in the pane and the dialogs). */
  remoteHome: string;
  stop(): Promise<void>;
}

export async function startOnFilePane(scratchPrefix: string): Promise<FilePaneSession> {
  const app = await startApp();
  const local = await mkdtemp(join(tmpdir(), scratchPrefix));
  await completeFirstRun(app.page);
  await app.page.getByRole('button', { name: 'Open files on node 518839' }).click();
  await visible(fileRow(app.page, 'README'));
  return {
    app,
    local,
    nodeHome: app.nodeHome(518839),
    remoteHome: app.nodeRemoteHome(518839),
    stop: async () => {
      await app.close();
      await rm(local, { recursive: true, force: true });
    },
  };
}
