import * as v from 'valibot';
import type { KeysApi } from '../../keys.ts';
import { args, argsOf } from '../args.ts';
import { text } from './targets.ts';

const optionalText = v.optional(text);

export const KEYS_ARGS = argsOf<KeysApi>()({
  list: args(),
  generate: args(v.strictObject({ name: text, bits: v.optional(v.picklist([2048, 3072, 4096])) })),
  importFile: args(v.strictObject({ path: text, name: optionalText, passphrase: optionalText })),
  exportPublic: args(text),
  exportPrivateToFile: args(
    text,
    v.strictObject({ format: v.picklist(['openssh', 'ppk']), path: text, passphrase: optionalText }),
  ),
  delete: args(text),
});
