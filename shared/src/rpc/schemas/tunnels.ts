import * as v from 'valibot';
import type { TunnelsApi } from '../../tunnels.ts';
import { args, argsOf, integer } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

export const TUNNELS_ARGS = argsOf<TunnelsApi>()({
  open: args(
    v.strictObject({
      target: ConnectionTargetSchema,
      remotePort: integer(1, 65535),
      // 0: a free port.
      localPort: v.optional(integer(0, 65535)),
      label: v.optional(v.pipe(text, v.maxLength(40))),
    }),
  ),
  list: args(),
  close: args(text),
});
