import { stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { Cancelled } from '../../../shared/src/errors.ts';
import type { TransferDirection, TransferJob, TransferRequest } from '../../../shared/src/transfers.ts';
import { output, type Command, type CommandContext } from '../command.ts';
import { interruptSignal } from '../interrupt.ts';
import { formatBytes, ProgressBar } from '../progress.ts';
import { nodeOrHostTarget } from '../targets.ts';

const isDirectory = (path: string) =>
  stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );

/**
 * One upload or download, waited for: an existing destination is overwritten, and the partial file
 * a stopped run left behind is resumed rather than started over (so re-running the same command
 * after an interruption continues where it stopped).
 */
async function transfer(context: CommandContext, direction: TransferDirection): Promise<void> {
  const [node, from = '', to = ''] = context.args;
  const target = await nodeOrHostTarget(context, node);
  let request: TransferRequest;
  if (direction === 'upload') {
    // Like cp and scp: a destination that names a folder receives the file under its own name.
    const remotePath = to.endsWith('/') ? posix.join(to, basename(from)) : to;
    request = { target, localPath: resolve(from), remotePath, conflict: 'overwrite' };
  } else {
    const local = resolve(to);
    const localPath = (await isDirectory(local)) ? join(local, posix.basename(from)) : local;
    request = { target, localPath, remotePath: from, conflict: 'overwrite' };
  }
  const { transfers } = context.api;
  const job = direction === 'upload' ? await transfers.upload(request) : await transfers.download(request);
  const bar = new ProgressBar(basename(direction === 'upload' ? request.localPath : request.remotePath));
  const stop = transfers.events.on('progress', (progress) => {
    if (progress.id === job.id) bar.update(progress.bytes, progress.total, progress.rate, progress.eta);
  });
  const interrupt = interruptSignal();
  let done: TransferJob;
  try {
    done = await transfers.wait(job.id, { signal: interrupt.signal });
    bar.update(done.bytes, done.total, 0);
  } catch (error) {
    if (error instanceof Cancelled)
      throw new Cancelled('Stopped; what was copied is kept: run the same command again to resume.');
    throw error;
  } finally {
    interrupt.dispose();
    stop();
    bar.finish();
  }
  output(context, done, () => {
    const where = direction === 'upload' ? done.remotePath : done.localPath;
    const resumed = done.resumedFrom > 0 ? `, resumed from ${formatBytes(done.resumedFrom)}` : '';
    return `${direction === 'upload' ? 'Uploaded' : 'Downloaded'} ${formatBytes(done.bytes)} to ${where}${resumed}.${renamedLines(done)}${skippedLines(done)}`;
  });
}

/** Names the server listed that could not become local files; JSON-escaped so control characters never reach the terminal raw. */
function renamedLines(done: TransferJob): string {
  const renamed = done.renamed ?? [];
  if (renamed.length === 0) return '';
  const lines = renamed.map(
    (entry) => `\n  ${JSON.stringify(entry.name)} saved as ${JSON.stringify(entry.savedAs)}: ${entry.reason}`,
  );
  return `\nSaved ${renamed.length} name(s) under another name on this computer:${lines.join('')}`;
}

function skippedLines(done: TransferJob): string {
  const skipped = done.skipped ?? [];
  if (skipped.length === 0) return '';
  const lines = skipped.map((entry) => `\n  ${JSON.stringify(entry.name)}: ${entry.reason}`);
  return `\nSkipped ${skipped.length} name(s):${lines.join('')}`;
}

export const transferCommands: Command[] = [
  { words: ['put'], args: { min: 3, max: 3 }, run: (context) => transfer(context, 'upload') },
  { words: ['get'], args: { min: 3, max: 3 }, run: (context) => transfer(context, 'download') },
];
