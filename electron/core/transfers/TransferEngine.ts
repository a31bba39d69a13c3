import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { requireAbsoluteLocalPath } from './absoluteLocalPath.ts';
import { Cancelled, InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { CallOptions } from '../../../shared/src/rpc/protocol.ts';
import { DEFAULT_APP_SETTINGS } from '../../../shared/src/settings.ts';
import {
  type ConflictDecision,
  type ConflictPolicy,
  type RenamedName,
  type TransferDirection,
  type TransferEvents,
  type TransferJob,
  type TransferRequest,
  type TransfersApi,
} from '../../../shared/src/transfers.ts';
import { SftpSession } from '../sftp/SftpSession.ts';
import { ConflictQuestions } from './ConflictQuestions.ts';
import { type Decide, planDownload, planUpload } from './destinations.ts';
import { downloadFile, uploadFile } from './fileCopy.ts';
import { prepareFolder, scanHint } from './folderScan.ts';
import { streamEntryUp } from './folderStream.ts';
import type { RemoteCommands } from '../exec/RemoteCommands.ts';
import { JobBook, type Entry } from './JobBook.ts';
import { currentLocalPlatform, downloadDestination, type LocalPlatform } from './localNames.ts';
import { uploadName, type UploadRules } from './uploadRules.ts';
import { asAppError, cancelled, describe, isFinal, snapshot } from './jobs.ts';
import type { SftpProvider } from '../sftp/SftpProvider.ts';

export type { SftpProvider } from '../sftp/SftpProvider.ts';

/** The largest request worth making: OpenSSH's sftp-server accepts 255 KiB of data in one. */
const DEFAULT_CHUNK_SIZE = 256 * 1024;

/**
 * A folder's files up to this size move SMALL_FILES_AT_ONCE at a time, besides the files the
 * concurrency setting (1–8, for sharing bandwidth between large files) allows: a small file is a few
 * round trips, and at 3 at a time the connection mostly waited (5,000 files of 1–64 KiB: 12 s, where
 * `sftp put -r` took 11.4 s). Each holds one buffer of at most 256 KiB: 8 MiB for the pool.
 */
const SMALL_FILE = 256 * 1024;
const SMALL_FILES_AT_ONCE = 32;

export interface TransferEngineOptions {
  /** Files copied at once, until `setConcurrency` changes it. */
  concurrency?: number;
  /** SFTP requests in flight per file. */
  window?: number;
  /** Bytes per SFTP request, at most: a server's own limit (`limits@openssh.com`) lowers it. */
  chunkSize?: number;
  /** The least time between two progress events of one job. */
  progressIntervalMs?: number;
  /** Whose file-name and mode rules transfers follow; the running one by default (tests pass others). */
  platform?: LocalPlatform;
  /** Whose path syntax local paths are checked by (absolute only); apart from `platform` for tests. */
  pathPlatform?: LocalPlatform;
  /** Upload names and skip list, until `setUploadRules` changes them; the Settings defaults otherwise. */
  uploadRules?: UploadRules;
  /** Exec channels: a new folder then goes up as one tar stream (folderStream.ts), else by SFTP. */
  commands?: RemoteCommands;
}

/**
 * Uploads and downloads over SFTP: a queue of file jobs run `concurrency` at a time, each copied
 * with a window of pipelined requests into a partial file that is renamed into place when
 * complete. A folder is one job whose files are jobs of their own; one file failing does not stop
 * the others. Events: `job` on every change of state, `progress` at most ten times a second per job,
 * `conflict` when the `ask` policy needs an answer.
 */
export class TransferEngine implements TransfersApi {
  readonly events = new Emitter<TransferEvents>();
  private readonly queue: Entry[] = [];
  private running = 0;
  /** A folder's small files (SMALL_FILE), queued and run apart from `queue`. */
  private readonly smallQueue: Entry[] = [];
  private runningSmall = 0;
  private readonly questions = new ConflictQuestions((conflict) => this.events.emit('conflict', conflict));
  private concurrency: number;
  private readonly platform: LocalPlatform;
  private readonly pathPlatform: LocalPlatform;
  private uploadRules: UploadRules;
  /** What a request that names no policy follows: the Settings page's choice (followSettings.ts). */
  private conflictPolicy: ConflictPolicy = 'ask';
  private settingsApplied: Promise<void> = Promise.resolve();
  private readonly window: number;
  private readonly chunkSize: number;
  private readonly book: JobBook;
  private readonly commands: RemoteCommands | undefined;

  constructor(
    private readonly provider: SftpProvider,
    options: TransferEngineOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.platform = options.platform ?? currentLocalPlatform();
    this.pathPlatform = options.pathPlatform ?? currentLocalPlatform();
    this.uploadRules = options.uploadRules ?? {
      normalizeNames: DEFAULT_APP_SETTINGS.transfers.normalizeUploadNames,
      skip: DEFAULT_APP_SETTINGS.transfers.uploadSkip,
    };
    this.window = Math.max(1, options.window ?? 64);
    // As OpenSSH's sftp (8.6+) does: requests as large as the server accepts (255 KiB for
    // OpenSSH's sftp-server), 64 of them in flight. Against 32 KiB requests this halves the CPU
    // the client, the gateway and the node spend per byte (docs/core.md, "SFTP and transfers").
    this.chunkSize = Math.max(1024, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.book = new JobBook(this.events, options.progressIntervalMs ?? 100);
    this.commands = options.commands;
  }

  /** Files copied at once from now on: running files finish, queued ones start when there is room. */
  setConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, Math.floor(concurrency) || 1);
    this.pump();
  }

  /** Names and skip list for uploads started from now on (the Settings page changes them). */
  setUploadRules(rules: UploadRules): void {
    this.uploadRules = { normalizeNames: rules.normalizeNames, skip: [...rules.skip] };
  }

  /**
   * Transfers asked for before `settings` settles wait for it: the stored policy and upload rules,
   * not the defaults, apply to the first transfer after a start too.
   */
  holdUntil(settings: Promise<unknown>): void {
    this.settingsApplied = settings.then(
      () => undefined,
      () => undefined,
    );
  }

  /** The conflict policy for transfers queued from now on without one of their own. */
  setConflictPolicy(policy: ConflictPolicy): void {
    this.conflictPolicy = policy;
  }

  async upload(asked: TransferRequest): Promise<TransferJob> {
    await this.settingsApplied;
    const local = await stat(asked.localPath).catch(() => undefined);
    // A file the user picked goes up even if the skip list names it; its name is still sent in NFC.
    const name = posix.basename(asked.remotePath);
    const sent = uploadName(name, this.uploadRules);
    const request =
      sent === name ? asked : { ...asked, remotePath: posix.join(posix.dirname(asked.remotePath), sent) };
    return this.add('upload', request, local?.isDirectory() ? 'folder' : 'file');
  }

  async download(asked: TransferRequest): Promise<TransferJob> {
    await this.settingsApplied;
    const { request, renamed } = downloadDestination(asked, this.platform);
    // A failure here (no connection, no such file) is reported by the job itself when it runs.
    const remote = await this.session(request.target)
      .then((sftp) => sftp.stat(request.remotePath))
      .catch(() => undefined);
    return this.add('download', request, remote?.isDirectory() ? 'folder' : 'file', renamed);
  }

  async wait(jobId: string, options: CallOptions = {}): Promise<TransferJob> {
    const entry = this.book.get(jobId);
    return new Promise<TransferJob>((resolve, reject) => {
      entry.waiters.push({ resolve, reject });
      this.book.settleWaiters(entry);
      options.signal?.addEventListener('abort', () => void this.cancel(jobId), { once: true });
      if (options.signal?.aborted) void this.cancel(jobId);
    });
  }

  async cancel(jobId: string): Promise<void> {
    const entry = this.book.get(jobId);
    if (isFinal(entry.job.state)) return;
    entry.controller.abort();
    for (const child of entry.children ?? []) await this.cancel(child);
    const queue = this.queue.includes(entry) ? this.queue : this.smallQueue;
    const queued = queue.indexOf(entry);
    if (queued >= 0) {
      queue.splice(queued, 1);
      this.book.finish(
        entry,
        'cancelled',
        new Cancelled(`The transfer of '${describe(entry.job)}' was cancelled.`),
      );
    }
  }

  async retry(jobId: string): Promise<TransferJob> {
    const entry = this.book.get(jobId);
    if (entry.job.state !== 'failed' && entry.job.state !== 'cancelled') {
      throw new InvalidInput(
        `Only a failed or cancelled transfer can be retried; this one is ${entry.job.state}.`,
      );
    }
    if (entry.job.kind === 'folder' && entry.children) {
      this.book.reopen(entry);
      for (const child of entry.children) {
        const state = this.book.get(child).job.state;
        if (state === 'failed' || state === 'cancelled') await this.retry(child);
      }
      return snapshot(entry.job);
    }
    const parent = this.book.parentOf(entry);
    if (parent?.job.files) {
      parent.job.files.finished--;
      if (entry.job.state === 'failed') parent.job.files.failed--;
      if (isFinal(parent.job.state)) this.book.reopen(parent);
    }
    entry.controller = new AbortController();
    entry.error = undefined;
    delete entry.job.error;
    delete entry.job.finishedAt;
    if (entry.job.kind === 'folder') {
      this.book.setState(entry, 'running');
      void this.runFolder(entry);
    } else {
      this.enqueue(entry);
    }
    return snapshot(entry.job);
  }

  async answerConflict(conflictId: string, decision: ConflictDecision, applyToAll: boolean): Promise<void> {
    this.questions.answer(conflictId, decision, applyToAll);
  }

  /** Files queued or being copied (a folder counts by its files). */
  activeCount(): number {
    return this.book.all().filter((entry) => entry.job.kind === 'file' && !isFinal(entry.job.state)).length;
  }

  async jobs(): Promise<TransferJob[]> {
    return this.book.all().map((entry) => snapshot(entry.job));
  }

  async clearFinished(): Promise<void> {
    this.book.clearFinished((entry) => this.questions.forget(entry.scope));
  }

  private add(
    direction: TransferDirection,
    request: TransferRequest,
    kind: 'file' | 'folder',
    renamed?: RenamedName,
  ): TransferJob {
    if (!request.localPath || !request.remotePath) {
      throw new InvalidInput('A transfer needs both a local and a remote path.');
    }
    const what = direction === 'download' ? 'The download destination' : 'The file to upload';
    requireAbsoluteLocalPath(request.localPath, what, this.pathPlatform);
    // Decided when queued, so changing the setting does not change what a running batch does.
    const entry = this.book.create(
      direction,
      { ...request, conflict: request.conflict ?? this.conflictPolicy },
      kind,
    );
    if (renamed) entry.job.renamed = [renamed];
    if (kind === 'folder') {
      this.book.setState(entry, 'running');
      void this.runFolder(entry);
    } else {
      this.enqueue(entry);
    }
    return snapshot(entry.job);
  }

  private enqueue(entry: Entry): void {
    const small = entry.job.parentId !== undefined && entry.job.total <= SMALL_FILE;
    (small ? this.smallQueue : this.queue).push(entry);
    this.book.setState(entry, 'queued');
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const entry = this.queue.shift();
      if (!entry) break;
      this.running++;
      void this.runFile(entry).finally(() => {
        this.running--;
        this.pump();
      });
    }
    while (this.runningSmall < SMALL_FILES_AT_ONCE) {
      const entry = this.smallQueue.shift();
      if (!entry) break;
      this.runningSmall++;
      void this.runFile(entry).finally(() => {
        this.runningSmall--;
        this.pump();
      });
    }
  }

  private async runFile(entry: Entry): Promise<void> {
    const { job, request } = entry;
    const signal = entry.controller.signal;
    job.startedAt = Date.now();
    this.book.setState(entry, 'running');
    // Only the first run may trust what the folder's scan saw.
    const hint = entry.hint;
    delete entry.hint;
    try {
      const sftp = await this.session(request.target);
      const decide: Decide = async (conflict) => {
        if (entry.decision) return entry.decision;
        // Filled in when queued (`add`), from the request or the policy in force then.
        const policy = request.conflict ?? 'ask';
        entry.decision =
          policy === 'ask'
            ? await this.questions.ask(entry.scope, { ...conflict, jobId: job.id }, signal)
            : policy;
        return entry.decision;
      };
      const plan =
        job.direction === 'upload'
          ? await planUpload(job.localPath, job.remotePath, sftp, decide, this.platform, hint)
          : await planDownload(job.remotePath, job.localPath, sftp, decide, this.platform, hint);
      if (!plan) return this.book.finish(entry, 'skipped');
      // Keep-both picked a new name: the job (and a retry of it) goes there from now on.
      job.localPath = plan.localPath;
      job.remotePath = plan.remotePath;
      await (job.direction === 'upload' ? uploadFile : downloadFile)(plan, {
        sftp,
        signal,
        platform: this.platform,
        chunkSize: this.chunkSize,
        window: this.window,
        onStart: (resumedFrom, total) => {
          job.resumedFrom = resumedFrom;
          job.transferred = 0;
          this.book.setTotal(entry, total);
          this.book.setBytes(entry, resumedFrom);
          entry.meter.reset(resumedFrom, total);
        },
        onProgress: (bytes) => {
          job.transferred += bytes;
          this.book.setBytes(entry, job.bytes + bytes);
        },
        ...(entry.acknowledged ? { acknowledged: entry.acknowledged } : {}),
        onKept: (kept) => {
          entry.acknowledged = kept;
        },
      });
      this.book.finish(entry, 'done');
    } catch (error) {
      if (signal.aborted || error instanceof Cancelled) {
        this.book.finish(entry, 'cancelled', error instanceof Cancelled ? error : cancelled(job));
      } else {
        this.book.finish(entry, 'failed', asAppError(error));
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
      if (job.direction === 'upload' && this.commands) {
        const tools = { sftp, commands: this.commands, rules: this.uploadRules, platform: this.platform };
        if (await streamEntryUp(entry, this.book, tools)) return this.book.finish(entry, 'done');
      }
      const tree = await prepareFolder(job, sftp, signal, this.platform, this.uploadRules);
      if (signal.aborted) throw cancelled(job);
      const children = tree.files.map((file) =>
        this.book.create(
          job.direction,
          {
            ...request,
            localPath: join(job.localPath, ...(job.direction === 'download' ? file.target : file.segments)),
            remotePath: posix.join(
              job.remotePath,
              ...(job.direction === 'upload' ? file.target : file.segments),
            ),
          },
          'file',
          entry,
          file.size,
        ),
      );
      for (const [index, child] of children.entries()) child.hint = scanHint(tree, index, child.job);
      entry.children = children.map((child) => child.job.id);
      job.files = { total: children.length, finished: 0, failed: 0 };
      job.total = tree.files.reduce((sum, file) => sum + file.size, 0);
      entry.meter.reset(0, job.total);
      this.book.emitJob(entry);
      if (children.length === 0) return this.book.finish(entry, 'done');
      for (const child of children) this.enqueue(child);
    } catch (error) {
      if (signal.aborted || error instanceof Cancelled) this.book.finish(entry, 'cancelled', cancelled(job));
      else this.book.finish(entry, 'failed', asAppError(error));
    }
  }

  private async session(target: ConnectionTarget): Promise<SftpSession> {
    return new SftpSession(await this.provider.sftp(target));
  }
}
