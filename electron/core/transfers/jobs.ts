import { AppError, Cancelled, InternalError } from '../../../shared/src/errors.ts';
import {
  FINAL_TRANSFER_STATES,
  type TransferJob,
  type TransferState,
} from '../../../shared/src/transfers.ts';

export const isFinal = (state: TransferState): boolean => FINAL_TRANSFER_STATES.includes(state);

export const describe = (job: TransferJob): string =>
  job.direction === 'upload' ? job.localPath : job.remotePath;

export const cancelled = (job: TransferJob): Cancelled =>
  new Cancelled(`The transfer of '${describe(job)}' was cancelled; a retry resumes where it stopped.`);

export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new InternalError(error instanceof Error ? error.message : String(error));
}

export function snapshot(job: TransferJob): TransferJob {
  return { ...job, ...(job.files ? { files: { ...job.files } } : {}) };
}
