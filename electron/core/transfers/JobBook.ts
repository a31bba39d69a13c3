import { randomUUID } from 'node:crypto';
import type { AppError } from '../../../shared/src/errors.ts';
import { InvalidInput, TransferFailed } from '../../../shared/src/errors.ts';
import type { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type {
  ConflictDecision,
  TransferDirection,
  TransferEvents,
  TransferJob,
  TransferRequest,
  TransferState,
} from '../../../shared/src/transfers.ts';
import { cancelled, describe, isFinal, snapshot } from './jobs.ts';
import { ProgressMeter } from './ProgressMeter.ts';
import type { ScanHint } from './destinations.ts';

export interface Entry {
  job: TransferJob;
  request: TransferRequest;
  /** Who shares "apply to all" answers. */
  scope: string;
  controller: AbortController;
  meter: ProgressMeter;
  /** The answer to this file's conflict, kept so that a retry does not ask again. */
  decision?: ConflictDecision;
  /** What of its partial file an unfinished upload saw acknowledged, so a retry can resume after a crash. */
  acknowledged?: { part: string; bytes: number; size: number; mtime: number };
  error?: AppError;
  /**
   * A folder's file, first run only: an upload whose remote folder that transfer created (so no
   * file and no partial can be there yet), or a download's source as the folder's listing gave it.
   * Each saves the round trips of looking again; a retry looks again.
   */
  hint?: ScanHint | undefined;
  /** Folder jobs: their file jobs, once the folder has been read. */
  children?: string[];
  waiters: { resolve(job: TransferJob): void; reject(error: AppError): void }[];
}

/**
 * The transfer jobs and their bookkeeping: states, bytes and totals passed up from a file to its
 * folder, a folder finishing when its last file does, progress events and the callers waiting on a
 * job. What runs the jobs (the queue, the copies) is TransferEngine's.
 */
export class JobBook {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly events: Emitter<TransferEvents>,
    private readonly progressIntervalMs: number,
  ) {}

  create(
    direction: TransferDirection,
    request: TransferRequest,
    kind: 'file' | 'folder',
    parent?: Entry,
    size = 0,
  ): Entry {
    const id = randomUUID();
    const job: TransferJob = {
      id,
      kind,
      direction,
      localPath: request.localPath,
      remotePath: request.remotePath,
      state: 'queued',
      bytes: 0,
      total: size,
      transferred: 0,
      resumedFrom: 0,
      ...(parent ? { parentId: parent.job.id } : {}),
    };
    const entry: Entry = {
      job,
      request,
      scope: parent?.scope ?? request.batch ?? id,
      controller: new AbortController(),
      meter: new ProgressMeter(0, size, this.progressIntervalMs),
      waiters: [],
    };
    this.entries.set(id, entry);
    return entry;
  }

  parentOf(entry: Entry): Entry | undefined {
    return entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
  }

  all(): Entry[] {
    return [...this.entries.values()];
  }

  /** Forgets finished jobs (a folder's files only with their folder); `forgotten` gets each top-level one. */
  clearFinished(forgotten: (entry: Entry) => void): void {
    for (const [id, entry] of this.entries) {
      const parent = this.parentOf(entry);
      if (isFinal(entry.job.state) && (!parent || isFinal(parent.job.state))) {
        this.entries.delete(id);
        if (!entry.job.parentId) forgotten(entry);
      }
    }
  }

  finish(entry: Entry, state: TransferState, error?: AppError): void {
    const { job } = entry;
    job.finishedAt = Date.now();
    if (error) {
      entry.error = error;
      job.error = error.message;
    }
    const parent = job.parentId ? this.entries.get(job.parentId) : undefined;
    // A skipped file adds nothing, so the folder can still reach 100%.
    if (state === 'skipped' && parent) this.setTotal(entry, 0);
    this.setState(entry, state);
    this.settleWaiters(entry);
    if (parent?.job.files) {
      parent.job.files.finished++;
      if (state === 'failed') parent.job.files.failed++;
      this.childFinished(parent);
    }
  }

  private childFinished(folder: Entry): void {
    const files = folder.job.files;
    if (!files || files.finished < files.total) {
      this.emitJob(folder);
      return;
    }
    const states = (folder.children ?? []).map((id) => this.entries.get(id)?.job.state);
    if (files.failed > 0) {
      const first = (folder.children ?? [])
        .map((id) => this.entries.get(id))
        .find((e) => e?.job.state === 'failed');
      this.finish(
        folder,
        'failed',
        new TransferFailed(
          `${files.failed} of ${files.total} files of '${describe(folder.job)}' failed; the first: ${first?.job.error ?? 'unknown'}`,
          { failed: files.failed, total: files.total },
        ),
      );
    } else if (states.includes('cancelled')) {
      this.finish(folder, 'cancelled', cancelled(folder.job));
    } else {
      this.finish(folder, 'done');
    }
  }

  /** A finished folder runs again because some of its files do. */
  reopen(folder: Entry): void {
    folder.controller = new AbortController();
    folder.error = undefined;
    delete folder.job.error;
    delete folder.job.finishedAt;
    this.setState(folder, 'running');
  }

  setState(entry: Entry, state: TransferState): void {
    entry.job.state = state;
    this.emitJob(entry);
  }

  emitJob(entry: Entry): void {
    this.events.emit('job', snapshot(entry.job));
  }

  /** Changes a job's bytes and passes the difference on to its folder. */
  setBytes(entry: Entry, bytes: number): void {
    const delta = bytes - entry.job.bytes;
    entry.job.bytes = bytes;
    this.progressed(entry);
    const parent = entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
    if (parent && delta !== 0) {
      parent.job.bytes += delta;
      this.progressed(parent);
    }
  }

  setTotal(entry: Entry, total: number): void {
    const delta = total - entry.job.total;
    entry.job.total = total;
    const parent = entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
    if (parent) parent.job.total += delta;
  }

  private progressed(entry: Entry): void {
    entry.meter.set(entry.job.bytes, entry.job.total);
    const due = entry.meter.due(entry.job.id);
    if (due) this.events.emit('progress', due);
  }

  settleWaiters(entry: Entry): void {
    const { job } = entry;
    if (!isFinal(job.state) || entry.waiters.length === 0) return;
    const waiters = entry.waiters.splice(0);
    for (const waiter of waiters) {
      if (job.state === 'done' || job.state === 'skipped') waiter.resolve(snapshot(job));
      else
        waiter.reject(
          entry.error ??
            (job.state === 'cancelled'
              ? cancelled(job)
              : new TransferFailed(job.error ?? 'The transfer failed.')),
        );
    }
  }

  get(jobId: string): Entry {
    const entry = this.entries.get(jobId);
    if (!entry) throw new InvalidInput(`There is no transfer with id '${jobId}'; it may have been cleared.`);
    return entry;
  }
}
