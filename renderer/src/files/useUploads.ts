import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { CoreContract } from '../../../shared/src/contract.ts';
import type { Host } from '../host/connectCore.ts';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { joinRemote } from './remotePath.ts';

/**
 * Uploads dropped or picked entries into a remote folder: local paths from the host (staged first in
 * a browser), one transfer per entry, one batch so "apply to all" covers the whole drop. Empty
 * folders are made directly. Resolves once every transfer is queued; `settled` once all finished well.
 */
export async function uploadEntries(
  host: Host,
  core: CoreContract,
  target: ConnectionTarget,
  folder: string,
  entries: DroppedEntry[],
  /** Bytes handed to the host so far (the browser host stages files first; the desktop does not). */
  onStaging?: (staged: number, total: number) => void,
): Promise<{ settled: Promise<void> }> {
  const empty = entries.filter((e) => e.kind === 'folder' && e.files.length === 0);
  for (const entry of empty)
    await core.files.mkdir(target, joinRemote(folder, entry.name), { recursive: true });
  const withFiles = entries.filter((e) => e.files.length > 0);
  if (withFiles.length === 0) return { settled: Promise.resolve() };
  const { paths, release } = await host.localPaths(withFiles, onStaging);
  const batch = crypto.randomUUID();
  const jobs = await Promise.all(
    withFiles.map((entry, i) =>
      core.transfers.upload({
        target,
        localPath: paths[i] ?? '',
        remotePath: joinRemote(folder, entry.name),
        batch,
      }),
    ),
  );
  // Staged copies stay while a transfer may still be resumed: until every job has finished well,
  // at once or after a Resume in the Transfers panel.
  const settled = Promise.all(jobs.map((job) => finishedWell(core, job.id))).then(release);
  return { settled };
}

/** Resolves once the job is done or skipped: now, or after a retry if it failed or was cancelled. */
function finishedWell(core: CoreContract, id: string): Promise<void> {
  return core.transfers.wait(id).then(
    () => undefined,
    () =>
      new Promise<void>((resolve) => {
        const off = core.transfers.events.on('job', (job) => {
          if (job.id !== id || (job.state !== 'done' && job.state !== 'skipped')) return;
          off();
          resolve();
        });
      }),
  );
}
