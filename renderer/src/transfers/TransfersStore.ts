import type { CoreContract } from '../../../shared/src/contract.ts';
import {
  FINAL_TRANSFER_STATES,
  type TransferJob,
  type TransferProgress,
} from '../../../shared/src/transfers.ts';

export interface TransferView {
  job: TransferJob;
  progress: TransferProgress | undefined;
}

/** Everything the page knows about transfers, in the shape useSyncExternalStore wants. */
export interface TransfersSnapshot {
  /** Top-level jobs (files, folders), newest last. */
  jobs: TransferView[];
  /** Over the unfinished top-level jobs. */
  active: { count: number; bytes: number; total: number; rate: number };
}

const EMPTY: TransfersSnapshot = { jobs: [], active: { count: 0, bytes: 0, total: 0, rate: 0 } };

/**
 * The transfers of the core, kept current from its `job` and `progress` events. Progress arrives at
 * most ten times a second per job; listeners are told at most once per animation frame.
 */
export class TransfersStore {
  private readonly jobs = new Map<string, TransferJob>();
  private readonly progress = new Map<string, TransferProgress>();
  private snapshot: TransfersSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private frame = 0;

  constructor(private readonly core: CoreContract) {
    core.transfers.events.on('job', (job) => {
      this.jobs.set(job.id, job);
      this.changed();
    });
    core.transfers.events.on('progress', (progress) => {
      this.progress.set(progress.id, progress);
      this.changed();
    });
    void core.transfers.jobs().then((jobs) => {
      for (const job of jobs) if (!this.jobs.has(job.id)) this.jobs.set(job.id, job);
      this.changed();
    });
  }

  readonly get = (): TransfersSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  job(id: string): TransferJob | undefined {
    return this.jobs.get(id);
  }

  async clearFinished(): Promise<void> {
    await this.core.transfers.clearFinished();
    for (const [id, job] of this.jobs) if (FINAL_TRANSFER_STATES.includes(job.state)) this.jobs.delete(id);
    this.changed();
  }

  private changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.snapshot = this.compute();
      for (const listener of this.listeners) listener();
    });
  }

  private compute(): TransfersSnapshot {
    const jobs = [...this.jobs.values()]
      .filter((job) => !job.parentId)
      .map((job) => ({ job, progress: this.progress.get(job.id) }));
    const active = { count: 0, bytes: 0, total: 0, rate: 0 };
    for (const { job, progress } of jobs) {
      if (FINAL_TRANSFER_STATES.includes(job.state)) continue;
      active.count += 1;
      active.bytes += progress?.bytes ?? job.bytes;
      active.total += progress?.total ?? job.total;
      active.rate += job.state === 'running' ? (progress?.rate ?? 0) : 0;
    }
    return { jobs, active };
  }
}
