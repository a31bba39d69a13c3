import * as v from 'valibot';
import type { EditsApi } from '../../edits.ts';
import { args, argsOf } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

export const EDITS_ARGS = argsOf<EditsApi>()({
  open: args(ConnectionTargetSchema, text),
  list: args(),
  resolve: args(text, v.picklist(['overwrite', 'skip'])),
  upload: args(text),
  close: args(text),
});
