import * as v from 'valibot';
import type { FilesApi } from '../../files.ts';
import { args, argsOf, callOptions } from '../args.ts';
import { ConnectionTargetSchema as target, text as path } from './targets.ts';

// A mode's range and spelling are checked by the core, which says which digits to use.
const mode = v.union([v.number(), v.string()]);
const flag = v.optional(v.boolean());

export const FILES_ARGS = argsOf<FilesApi>()({
  list: args(target, path, callOptions()),
  stat: args(target, path),
  mkdir: args(target, path, v.optional(v.strictObject({ recursive: flag, mode: v.optional(v.number()) }))),
  rename: args(target, path, path, v.optional(v.strictObject({ overwrite: flag }))),
  remove: args(target, path, v.optional(v.strictObject({ recursive: flag })), callOptions()),
  chmod: args(target, path, mode),
  readText: args(target, path),
  writeText: args(target, path, v.string()),
  home: args(target),
  realpath: args(target, path),
});
