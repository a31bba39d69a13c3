import type { EditSession, FileStamp } from '../../../shared/src/edits.ts';
import { formatBytes } from '../transfers/format.ts';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const percent = (progress: EditSession['progress']) =>
  progress && progress.total > 0 ? ` ${Math.floor((100 * progress.bytes) / progress.total)}%` : '';

/** One edit's status line in the file pane, in words: what happened last and what to do. */
export function editStatusText(edit: EditSession): string {
  const saves = `${edit.uploads} save${edit.uploads === 1 ? '' : 's'}`;
  const main = (() => {
    switch (edit.state) {
      case 'opening':
        return `Downloading…${percent(edit.progress)}`;
      case 'uploading':
        return `Uploading your save…${percent(edit.progress)}`;
      case 'conflict':
        return 'Not uploaded yet: the node’s copy changed. Answer the question to go on.';
      case 'failed':
        return `Upload failed: ${edit.error ?? 'unknown reason'} Save again, or upload again.`;
      case 'closed':
        return 'Closed.';
      case 'open':
        if (!edit.inSync) return 'Your last save is not on the node: you kept the node’s copy.';
        if (edit.uploadedAt !== undefined) return `Uploaded at ${TIME.format(edit.uploadedAt)} (${saves}).`;
        return `Open in ${edit.openedWith}: each save is uploaded.`;
    }
  })();
  return edit.editorExit ? `${main} ${edit.editorExit}.` : main;
}

/** A size and a time as the conflict question shows them: "1.2 KB, 3/12/2025, 14:05:09". */
export function stampText(stamp: FileStamp): string {
  return `${formatBytes(stamp.size)}, ${DATE_TIME.format(stamp.mtime)}`;
}
