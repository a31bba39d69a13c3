import * as v from 'valibot';
import type { HostsApi } from '../../hosts.ts';
import { HostDraftSchema, ShortcutDraftSchema } from '../../hostRules.ts';
import { args, argsOf } from '../args.ts';

const ID = v.pipe(v.string(), v.maxLength(64));

export const HOSTS_ARGS = argsOf<HostsApi>()({
  list: args(),
  add: args(HostDraftSchema),
  update: args(ID, HostDraftSchema),
  remove: args(ID),
  addShortcut: args(ShortcutDraftSchema),
});
