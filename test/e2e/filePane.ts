import type { Page } from 'playwright-core';

/** The pieces of node 518839's file pane the end-to-end tests find by role and name. */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const pane = (page: Page) => page.getByRole('region', { name: 'Files on node 518839' });

/** Where files dropped on the pane (not on a folder row) go into the folder shown. */
export const dropZone = (page: Page) => pane(page).locator('.files-table-host');

/** The row of the entry named `name`, exactly (not one whose name merely starts the same). */
export const fileRow = (page: Page, name: string) =>
  pane(page).getByRole('row', { name: new RegExp(`^${escape(name)}\\b`) });

/** A transfer in the Transfers panel, e.g. "Upload notes.md, Skipped"; either direction when not given. */
export const transferRow = (page: Page, name: string, state = '', direction?: 'Upload' | 'Download') =>
  page.getByRole('listitem', {
    name: new RegExp(`^${direction ?? '(Upload|Download)'} ${escape(name)}, ${state}`),
  });
