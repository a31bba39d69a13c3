import * as v from 'valibot';
import type { TransfersApi } from '../../transfers.ts';
import { args, argsOf, callOptions } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

export const ConflictPolicySchema = v.picklist(['overwrite', 'skip', 'keepBoth', 'ask']);

const TransferRequestSchema = v.strictObject({
  target: ConnectionTargetSchema,
  localPath: text,
  remotePath: text,
  intoFolder: v.optional(v.boolean()),
  conflict: v.optional(ConflictPolicySchema),
  batch: v.optional(text),
});

export const TRANSFERS_ARGS = argsOf<TransfersApi>()({
  upload: args(TransferRequestSchema),
  download: args(TransferRequestSchema),
  wait: args(text, callOptions()),
  cancel: args(text),
  retry: args(text),
  answerConflict: args(text, v.picklist(['overwrite', 'skip', 'keepBoth']), v.boolean()),
  jobs: args(),
  clearFinished: args(),
});
