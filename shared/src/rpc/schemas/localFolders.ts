import * as v from 'valibot';
import type { LocalFoldersApi } from '../../localFolders.ts';
import { FOLDER_KINDS } from '../../settings.ts';
import { args, argsOf } from '../args.ts';

// Absolute paths and legal names are checked by the core, by its own OS's rules, with messages that
// say what to type; here only the types and a bound on length.
const path = v.pipe(v.string(), v.maxLength(4096));
const name = v.pipe(v.string(), v.maxLength(1024));
const kind = v.picklist(FOLDER_KINDS);

export const LOCAL_FOLDERS_ARGS = argsOf<LocalFoldersApi>()({
  start: args(kind, v.optional(path)),
  list: args(path),
  places: args(),
  create: args(path, name),
});
