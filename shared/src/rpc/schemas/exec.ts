import * as v from 'valibot';
import type { ExecApi } from '../../exec.ts';
import { args, argsOf, bytes, callOptions, integer } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

export const EXEC_ARGS = argsOf<ExecApi>()({
  run: args(ConnectionTargetSchema, text, callOptions({ id: v.optional(text) })),
  write: args(text, bytes),
  end: args(text),
  ack: args(text, integer(0)),
});
