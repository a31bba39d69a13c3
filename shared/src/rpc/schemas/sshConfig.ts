import * as v from 'valibot';
import type { SshConfigApi } from '../../sshConfig.ts';
import { args, argsOf, integer } from '../args.ts';

const ScopeSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('all') }),
  v.strictObject({ kind: v.literal('environment'), name: v.pipe(v.string(), v.maxLength(200)) }),
  v.strictObject({ kind: v.literal('node'), nodeId: integer(1, 999_999_999) }),
]);

export const SSH_CONFIG_ARGS = argsOf<SshConfigApi>()({
  text: args(ScopeSchema),
  install: args(),
  uninstall: args(),
  status: args(),
});
