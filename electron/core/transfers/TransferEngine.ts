import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { AppError } from '../../../shared/src/errors.ts';
import { Cancelled, InvalidInput, TransferFailed } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { CallOptions } from '../../../shared/src/rpc/protocol.ts';
import {
  type ConflictDecision,
  type TransferDirection,
  type TransferEvents,
  type TransferJob,
  type TransferRequest,
  type TransferService,
  type TransferState,
} from '../../../shared/src/transfers.ts';
import { SftpSession } from '../sftp/SftpSession.ts';
import { ConflictQuestions } from './ConflictQuestions.ts';
import { type Decide, planDownload, planUpload } from './destinations.ts';
import { downloadFile, uploadFile } from './fileCopy.ts';
import { prepareFolder } from './folderScan.ts';
import { currentLocalPlatform, downloadDestination, type LocalPlatform } from './localNames.ts';
import { asAppError, cancelled, describe, isFinal, snapshot } from './jobs.ts';
import { ProgressMeter } from './ProgressMeter.ts';
import type { SftpProvider } from './SftpProvider.ts';

export type { SftpProvider } from './SftpProvider.ts';

/** The largest request worth making: OpenSSH's sftp-server accepts 255 KiB of data in one. */
const DEFAULT_CHUNK_SIZE = 256 * 1024;

export interface TransferEngineOptions {
  /** Files copied at once, until `setConcurrency` changes it. */
  concurrency?: number;
  /** SFTP requests in flight per file. */
  window?: number;
  /** Bytes per SFTP request, at most: a server's own limit (`limits@openssh.com`) lowers it. */
  chunkSize?: number;
  /** The least time between two progress events of one job. */
  progressIntervalMs?: number;
  /** Whose file-name rules downloads follow; the running one by default (tests pass others). */
  platform?: LocalPlatform;
}

interface Entry {
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
  /** Folder jobs: their file jobs, once the folder has been read. */
  children?: string[];
  waiters: { resolve(job: TransferJob): void; reject(error: AppError): void }[];
}

/**
 * Uploads and downloads over SFTP: a queue of file jobs run `concurrency` at a time, each copied
 * with a window of pipelined requests into a partial file that is renamed into place when
 * complete. A folder is one job whose files are jobs of their own; one file failing does not stop
 * the others. Events: `job` on every change of state, `progress` at most ten times a second per job,
 * `conflict` when the `ask` policy needs an answer.
 */
export class TransferEngine implements TransferService {
  readonly events = new Emitter<TransferEvents>();
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running = 0;
  private readonly questions = new ConflictQuestions((conflict) => this.events.emit('conflict', conflict));
  private concurrency: number;
  private readonly platform: LocalPlatform;
  private readonly window: number;
  private readonly chunkSize: number;
  private readonly progressIntervalMs: number;

  constructor(
    private readonly provider: SftpProvider,
    options: TransferEngineOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.platform = options.platform ?? currentLocalPlatform();
    this.window = Math.max(1, options.window ?? 64);
    // As OpenSSH's sftp (8.6+) does: requests as large as the server accepts (255 KiB for
    // OpenSSH's sftp-server), 64 of them in flight. Against 32 KiB requests this halves the CPU
    // the client, the gateway and the node spend per byte (docs/core.md, "SFTP and transfers").
    this.chunkSize = Math.max(1024, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /**
   * Files copied at once from now on (the Settings page changes it while transfers run): a larger
   * number starts queued files at once; a smaller one lets running files finish and starts no new
   * one until fewer than that run.
   */
  setConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, Math.floor(concurrency) || 1);
    this.pump();
  }

  async upload(request: TransferRequest): Promise<TransferJob> {
    const local = await stat(request.localPath).catch(() => undefined);
    return this.add('upload', request, local?.isDirectory() ? 'folder' : 'file');
  }

  async download(asked: TransferRequest): Promise<TransferJob> {
    const request = downloadDestination(asked, this.platform);
    // A failure here (no connection, no such file) is reported by the job itself when it runs.
    const remote = await this.session(request.target)
      .then((sftp) => sftp.stat(request.remotePath))
      .catch(() => undefined);
    return this.add('download', request, remote?.isDirectory() ? 'folder' : 'file');
  }

  async wait(jobId: string, options: CallOptions = {}): Promise<TransferJob> {
    const entry = this.entry(jobId);
    return new Promise<TransferJob>((resolve, reject) => {
      entry.waiters.push({ resolve, reject });
      this.settleWaiters(entry);
      options.signal?.addEventListener('abort', () => void this.cancel(jobId), { once: true });
      if (options.signal?.aborted) void this.cancel(jobId);
    });
  }

  async cancel(jobId: string): Promise<void> {
    const entry = this.entry(jobId);
    if (isFinal(entry.job.state)) return;
    entry.controller.abort();
    for (const child of entry.children ?? []) await this.cancel(child);
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(
        entry,
        'cancelled',
        new Cancelled(`The transfer of '${describe(entry.job)}' was cancelled.`),
      );
    }
  }

  async retry(jobId: string): Promise<TransferJob> {
    const entry = this.entry(jobId);
    if (entry.job.state !== 'failed' && entry.job.state !== 'cancelled') {
      throw new InvalidInput(
        `Only a failed or cancelled transfer can be retried; this one is ${entry.job.state}.`,
      );
    }
    if (entry.job.kind === 'folder' && entry.children) {
      this.reopen(entry);
      for (const child of entry.children) {
        const state = this.entry(child).job.state;
        if (state === 'failed' || state === 'cancelled') await this.retry(child);
      }
      return snapshot(entry.job);
    }
    const parent = entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
    if (parent?.job.files) {
      parent.job.files.finished--;
      if (entry.job.state === 'failed') parent.job.files.failed--;
      if (isFinal(parent.job.state)) this.reopen(parent);
    }
    entry.controller = new AbortController();
    entry.error = undefined;
    delete entry.job.error;
    delete entry.job.finishedAt;
    if (entry.job.kind === 'folder') {
      this.setState(entry, 'running');
      void this.runFolder(entry);
    } else {
      this.enqueue(entry);
    }
    return snapshot(entry.job);
  }

  async answerConflict(conflictId: string, decision: ConflictDecision, applyToAll: boolean): Promise<void> {
    this.questions.answer(conflictId, decision, applyToAll);
  }

  async jobs(): Promise<TransferJob[]> {
    return [...this.entries.values()].map((entry) => snapshot(entry.job));
  }

  async clearFinished(): Promise<void> {
    for (const [id, entry] of this.entries) {
      const parent = entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
      if (isFinal(entry.job.state) && (!parent || isFinal(parent.job.state))) {
        this.entries.delete(id);
        if (!entry.job.parentId) this.questions.forget(entry.scope);
      }
    }
  }

  private add(direction: TransferDirection, request: TransferRequest, kind: 'file' | 'folder'): TransferJob {
    if (!request.localPath || !request.remotePath) {
      throw new InvalidInput('A transfer needs both a local and a remote path.');
    }
    const entry = this.createEntry(direction, request, kind);
    if (kind === 'folder') {
      this.setState(entry, 'running');
      void this.runFolder(entry);
    } else {
      this.enqueue(entry);
    }
    return snapshot(entry.job);
  }

  private createEntry(
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

  private enqueue(entry: Entry): void {
    this.queue.push(entry);
    this.setState(entry, 'queued');
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const entry = this.queue.shift();
      if (!entry) return;
      this.running++;
      void this.runFile(entry).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async runFile(entry: Entry): Promise<void> {
    const { job, request } = entry;
    const signal = entry.controller.signal;
    job.startedAt = Date.now();
    this.setState(entry, 'running');
    try {
      const sftp = await this.session(request.target);
      const decide: Decide = async (conflict) => {
        if (entry.decision) return entry.decision;
        const policy = request.conflict ?? 'ask';
        entry.decision =
          policy === 'ask'
            ? await this.questions.ask(entry.scope, { ...conflict, jobId: job.id }, signal)
            : policy;
        return entry.decision;
      };
      const plan =
        job.direction === 'upload'
          ? await planUpload(job.localPath, job.remotePath, sftp, decide)
          : await planDownload(job.remotePath, job.localPath, sftp, decide);
      if (!plan) return this.finish(entry, 'skipped');
      // Keep-both picked a new name: the job (and a retry of it) goes there from now on.
      job.localPath = plan.localPath;
      job.remotePath = plan.remotePath;
      await (job.direction === 'upload' ? uploadFile : downloadFile)(plan, {
        sftp,
        signal,
        chunkSize: this.chunkSize,
        window: this.window,
        onStart: (resumedFrom, total) => {
          job.resumedFrom = resumedFrom;
          job.transferred = 0;
          this.setTotal(entry, total);
          this.setBytes(entry, resumedFrom);
          entry.meter.reset(resumedFrom, total);
        },
        onProgress: (bytes) => {
          job.transferred += bytes;
          this.setBytes(entry, job.bytes + bytes);
        },
        ...(entry.acknowledged ? { acknowledged: entry.acknowledged } : {}),
        onKept: (kept) => {
          entry.acknowledged = kept;
        },
      });
      this.finish(entry, 'done');
    } catch (error) {
      if (signal.aborted || error instanceof Cancelled) {
        this.finish(entry, 'cancelled', error instanceof Cancelled ? error : cancelled(job));
      } else {
        this.finish(entry, 'failed', asAppError(error));
      }
    }
  }

  /** Reads the folder, creates its sub-folders at the destination and queues one job per file. */
  private async runFolder(entry: Entry): Promise<void> {
    const { job, request } = entry;
    const signal = entry.controller.signal;
    job.startedAt = Date.now();
    try {
      const sftp = await this.session(request.target);
      const tree = await prepareFolder(job, sftp, signal, this.platform);
      if (signal.aborted) throw cancelled(job);
      const children = tree.files.map((file) =>
        this.createEntry(
          job.direction,
          {
            ...request,
            localPath: join(job.localPath, ...file.segments),
            remotePath: posix.join(job.remotePath, ...file.segments),
          },
          'file',
          entry,
          file.size,
        ),
      );
      entry.children = children.map((child) => child.job.id);
      job.files = { total: children.length, finished: 0, failed: 0 };
      job.total = tree.files.reduce((sum, file) => sum + file.size, 0);
      entry.meter.reset(0, job.total);
      this.emitJob(entry);
      if (children.length === 0) return this.finish(entry, 'done');
      for (const child of children) this.enqueue(child);
    } catch (error) {
      if (signal.aborted || error instanceof Cancelled) this.finish(entry, 'cancelled', cancelled(job));
      else this.finish(entry, 'failed', asAppError(error));
    }
  }

  private finish(entry: Entry, state: TransferState, error?: AppError): void {
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
  private reopen(folder: Entry): void {
    folder.controller = new AbortController();
    folder.error = undefined;
    delete folder.job.error;
    delete folder.job.finishedAt;
    this.setState(folder, 'running');
  }

  private setState(entry: Entry, state: TransferState): void {
    entry.job.state = state;
    this.emitJob(entry);
  }

  private emitJob(entry: Entry): void {
    this.events.emit('job', snapshot(entry.job));
  }

  /** Changes a job's bytes and passes the difference on to its folder. */
  private setBytes(entry: Entry, bytes: number): void {
    const delta = bytes - entry.job.bytes;
    entry.job.bytes = bytes;
    this.progressed(entry);
    const parent = entry.job.parentId ? this.entries.get(entry.job.parentId) : undefined;
    if (parent && delta !== 0) {
      parent.job.bytes += delta;
      this.progressed(parent);
    }
  }

  private setTotal(entry: Entry, total: number): void {
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

  private settleWaiters(entry: Entry): void {
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

  private entry(jobId: string): Entry {
    const entry = this.entries.get(jobId);
    if (!entry) throw new InvalidInput(`There is no transfer with id '${jobId}'; it may have been cleared.`);
    return entry;
  }

  private async session(target: ConnectionTarget): Promise<SftpSession> {
    return new SftpSession(await this.provider.sftp(target));
  }
}
