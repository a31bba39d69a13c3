import * as v from 'valibot';
import type { LocalTerminalRequest, OpenTerminalRequest, TerminalApi } from '../../terminals.ts';
import { args, argsOf, integer } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

// Sizes out of range are clamped by the core; a terminal always opens.
const size = { cols: v.number(), rows: v.number() };

/** Both kinds of terminal take the same arguments but for what `open` takes. */
const TERMINAL_ARGS = {
  write: args(text, text),
  resize: args(text, v.number(), v.number()),
  ack: args(text, integer(0)),
  close: args(text),
  startLog: args(text),
  stopLog: args(text),
  logFolder: args(),
  openLogFolder: args(),
};

const logChoice = { enabled: v.optional(v.boolean()), continues: v.optional(text) };

export const TERMINALS_ARGS = argsOf<TerminalApi<OpenTerminalRequest>>()({
  open: args(
    v.strictObject({
      target: ConnectionTargetSchema,
      ...size,
      command: v.optional(text),
      log: v.optional(v.strictObject({ ...logChoice, environment: v.optional(text) })),
    }),
  ),
  ...TERMINAL_ARGS,
});

/** No `command`: the page opens the user's shell and nothing else (see LocalTerminalRequest). */
export const LOCAL_TERMINALS_ARGS = argsOf<TerminalApi<LocalTerminalRequest>>()({
  open: args(v.strictObject({ ...size, cwd: v.optional(text), log: v.optional(v.strictObject(logChoice)) })),
  ...TERMINAL_ARGS,
});
