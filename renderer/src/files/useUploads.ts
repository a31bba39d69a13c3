import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { CoreContract } from '../../../shared/src/contract.ts';
import type { Host } from '../host/connectCore.ts';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { joinRemote } from './remotePath.ts';

/**
 * Uploads dropped or picked entries into a remote folder: local paths from the host (staged first in
 * a browser), one transfer per entry, one batch so "apply to all" covers the whole drop. Empty
 * folders are made directly. Resolves once every transfer is queued; `settled` when all finished.
 */
export async function uploadEntries(
  host: Host,
  core: CoreContract,
  target: ConnectionTarget,
  folder: string,
  entries: DroppedEntry[],
): Promise<{ settled: Promise<void> }> {
  const empty = entries.filter((e) => e.kind === 'folder' && e.files.length === 0);
  for (const entry of empty)
    await core.files.mkdir(target, joinRemote(folder, entry.name), { recursive: true });
  const withFiles = entries.filter((e) => e.files.length > 0);
  if (withFiles.length === 0) return { settled: Promise.resolve() };
  const { paths, release } = await host.localPaths(withFiles);
  const batch = crypto.randomUUID();
  // The default from Settings (ask, overwrite, skip or keep both), for every file of the drop.
  const { conflict } = (await core.settings.get()).transfers;
  const jobs = await Promise.all(
    withFiles.map((entry, i) =>
      core.transfers.upload({
        target,
        localPath: paths[i] ?? '',
        remotePath: joinRemote(folder, entry.name),
        conflict,
        batch,
      }),
    ),
  );
  const settled = Promise.allSettled(jobs.map((job) => core.transfers.wait(job.id))).then((results) => {
    // Staged copies stay while a transfer may still be resumed.
    if (results.every((r) => r.status === 'fulfilled')) release();
  });
  return { settled };
}
