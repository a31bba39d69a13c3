import type { Locator } from 'playwright-core';

/**
 * Drops files and folders from disk onto an element the way the OS does, through Chromium's own
 * drag-and-drop input (DevTools `Input.dispatchDragEvent` with file paths): the page receives a real
 * drop whose DataTransfer carries the files, folders included, as when they come from a file manager.
 */
export async function dropFiles(
  target: Locator,
  paths: string[],
  /** Where on the target: near its top (default), or near its bottom, below any rows at the top. */
  at: 'top' | 'bottom' = 'top',
): Promise<void> {
  const page = target.page();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error('The drop target is not visible.');
  const x = box.x + box.width / 2;
  const y = at === 'top' ? box.y + Math.min(box.height / 2, 40) : box.y + box.height - 12;
  const session = await page.context().newCDPSession(page);
  try {
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const)
      await session.send('Input.dispatchDragEvent', { type, x, y, data });
  } finally {
    await session.detach();
  }
}
