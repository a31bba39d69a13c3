import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';
import type { CallOptions } from './rpc/protocol.ts';

export type TransferDirection = 'upload' | 'download';

/**
 * What to do when the destination file already exists. Folders always merge into an existing
 * folder; the policy applies to each file inside.
 */
export type ConflictPolicy = 'overwrite' | 'skip' | 'keepBoth' | 'ask';
/** An answer to a `conflict` event. `keepBoth` writes `name (1).ext` (or the next free number). */
export type ConflictDecision = 'overwrite' | 'skip' | 'keepBoth';

export type TransferState = 'queued' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';
export const FINAL_TRANSFER_STATES: readonly TransferState[] = ['done', 'skipped', 'failed', 'cancelled'];

export interface TransferRequest {
  target: ConnectionTarget;
  /** A local file or folder (uploads) or the local destination (downloads). */
  localPath: string;
  /** The remote destination (uploads) or the remote file or folder (downloads); the full path, not its parent. */
  remotePath: string;
  /**
   * Downloads only: `localPath` is the chosen folder, and the item lands in it under its remote
   * name, which the core checks is one safe local name (never joined by the page).
   */
  intoFolder?: boolean;
  /** What to do when the destination exists; the policy chosen in Settings when left out. */
  conflict?: ConflictPolicy;
  /**
   * Jobs with the same batch share "apply to all" answers (e.g. the files of one drop). Default:
   * the job itself, i.e. all files of one folder.
   */
  batch?: string;
}

export interface TransferJob {
  id: string;
  /** A folder's file jobs point at the folder job, whose bytes and state sum theirs up. */
  parentId?: string;
  kind: 'file' | 'folder';
  direction: TransferDirection;
  localPath: string;
  /** Where the file ends up (changes when `keepBoth` picks a new name). */
  remotePath: string;
  state: TransferState;
  /** Bytes in place at the destination, including those of a resumed partial file. */
  bytes: number;
  total: number;
  /** Bytes moved over the wire by the latest run (less than `bytes` after a resume). */
  transferred: number;
  /** Where the latest run started: the partial file's size, 0 for a fresh start. */
  resumedFrom: number;
  /** For folders: how many files, and how many are finished / failed. */
  files?: { total: number; finished: number; failed: number };
  /** Why it failed, in words a person can act on. */
  error?: string;
  /** Remote names refused as local file names (e.g. "../x", "con.txt" on Windows), with why. */
  skipped?: { name: string; reason: string }[];
  /** Remote names saved under another local name ("a:b" → "a%3Ab" on Windows, "readme (2)"). */
  renamed?: RenamedName[];
  startedAt?: number;
  finishedAt?: number;
}

/** A remote name that a download saved under another local name, and why. */
export interface RenamedName {
  /** The remote name, relative to the folder being downloaded. */
  name: string;
  /** The local name it was saved as, relative to the chosen folder ("/"-separated). */
  savedAs: string;
  reason: string;
}

export interface TransferProgress {
  id: string;
  bytes: number;
  total: number;
  /** Bytes per second, smoothed. */
  rate: number;
  /** Seconds left at the current rate; null while unknown. */
  eta: number | null;
}

export interface TransferConflict {
  id: string;
  jobId: string;
  direction: TransferDirection;
  /** The destination that already exists. */
  path: string;
  existing: { size: number; mtime: number };
  incoming: { size: number; mtime: number };
}

export interface TransferEvents {
  /** A job was added or changed state. */
  job: TransferJob;
  /** At most ten per second per job. */
  progress: TransferProgress;
  /** A destination exists and the policy is `ask`: answer with `answerConflict`. */
  conflict: TransferConflict;
}

export interface TransfersApi {
  readonly events: EventSource<TransferEvents>;
  /** Queues an upload of a file or a folder; resolves with the queued job. */
  upload(request: TransferRequest): Promise<TransferJob>;
  download(request: TransferRequest): Promise<TransferJob>;
  /**
   * Resolves with the finished job (`done` or `skipped`); rejects with `TransferFailed` or
   * `Cancelled`. Aborting the signal cancels the job.
   */
  wait(jobId: string, options?: CallOptions): Promise<TransferJob>;
  cancel(jobId: string): Promise<void>;
  /** Runs a failed or cancelled job again, resuming from its partial file. */
  retry(jobId: string): Promise<TransferJob>;
  answerConflict(conflictId: string, decision: ConflictDecision, applyToAll: boolean): Promise<void>;
  jobs(): Promise<TransferJob[]>;
  /** Forgets finished jobs. */
  clearFinished(): Promise<void>;
}

export const TRANSFERS_METHODS = methodList<TransfersApi>()([
  'upload',
  'download',
  'wait',
  'cancel',
  'retry',
  'answerConflict',
  'jobs',
  'clearFinished',
]);

/** The suffix of partial files: `.NAME.enscale-part` beside the destination. */
export const PARTIAL_SUFFIX = '.enscale-part';
