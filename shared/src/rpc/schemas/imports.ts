import * as v from 'valibot';
import type { ImportsApi } from '../../imports.ts';
import { args, argsOf } from '../args.ts';

const PATH = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
// A passphrase is typed by a person; PuTTYgen and ssh-keygen take far shorter ones.
const PASSPHRASE = v.pipe(v.string(), v.maxLength(1024));

const SourceSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('regFile'), path: PATH }),
  v.strictObject({ kind: v.literal('puttySessions'), folder: v.optional(PATH) }),
  v.strictObject({ kind: v.literal('windowsRegistry') }),
  v.strictObject({ kind: v.literal('sshConfig'), path: v.optional(PATH) }),
]);

const ChoiceSchema = v.strictObject({
  sessions: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(1024))), v.maxLength(10_000))),
  keys: v.optional(
    v.pipe(v.array(v.strictObject({ path: PATH, passphrase: v.optional(PASSPHRASE) })), v.maxLength(1000)),
  ),
});

export const IMPORTS_ARGS = argsOf<ImportsApi>()({
  preview: args(SourceSchema),
  apply: args(SourceSchema, ChoiceSchema),
});
