import { describe, expect, it } from 'vitest';
import type { EditSession } from '../../../shared/src/edits.ts';
import { editStatusText, stampText } from './editStatus.ts';

const edit = (change: Partial<EditSession>): EditSession => ({
  id: 'e1',
  target: { gateway: { host: 'gw', port: 3022 }, username: '518839-4856' },
  remotePath: '/var/www/site.conf',
  name: 'site.conf',
  localPath: '/cache/edits/1-ab/file/site.conf',
  openedWith: 'code',
  state: 'open',
  node: { size: 10, mtime: 0 },
  uploads: 0,
  inSync: true,
  ...change,
});

describe("an edit's status line", () => {
  it('says where the file is open until the first save, then when the last one arrived', () => {
    expect(editStatusText(edit({}))).toBe('Open in code: each save is uploaded.');
    const at = new Date(2025, 2, 12, 14, 5, 9).getTime();
    expect(editStatusText(edit({ uploads: 1, uploadedAt: at }))).toMatch(
      /^Uploaded at .*05.*09.* \(1 save\)\.$/,
    );
    expect(editStatusText(edit({ uploads: 3, uploadedAt: at }))).toMatch(/\(3 saves\)\.$/);
  });

  it('shows transfers with their share done, and what to do after a failure or a question', () => {
    expect(editStatusText(edit({ state: 'opening', progress: { bytes: 50, total: 200 } }))).toBe(
      'Downloading… 25%',
    );
    expect(editStatusText(edit({ state: 'uploading' }))).toBe('Uploading your save…');
    expect(editStatusText(edit({ state: 'failed', error: "Cannot write '/x': permission denied." }))).toBe(
      "Upload failed: Cannot write '/x': permission denied. Save again, or upload again.",
    );
    expect(editStatusText(edit({ state: 'conflict' }))).toMatch(/node’s copy changed\. Answer the question/);
    expect(editStatusText(edit({ inSync: false }))).toBe(
      'Your last save is not on the node: you kept the node’s copy.',
    );
  });

  it('adds what the editor said when it ended with an error', () => {
    expect(editStatusText(edit({ editorExit: 'code ended with status 1: no display' }))).toBe(
      'Open in code: each save is uploaded. code ended with status 1: no display.',
    );
  });

  it('gives a size and a time for the conflict question', () => {
    expect(stampText({ size: 2048, mtime: new Date(2025, 2, 12, 14, 5, 9).getTime() })).toMatch(
      /^2\.0 KB, .*2025.*05.*09/,
    );
  });
});
