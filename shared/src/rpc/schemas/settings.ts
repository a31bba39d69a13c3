import * as v from 'valibot';
import type { SettingsApi } from '../../settings.ts';
import { args, argsOf } from '../args.ts';
import { ConflictPolicySchema } from './transfers.ts';

// Numbers out of range are clamped by the core, as the settings page expects.
const SettingsChangeSchema = v.strictObject({
  transfers: v.optional(
    v.strictObject({
      concurrency: v.optional(v.number()),
      conflict: v.optional(ConflictPolicySchema),
      normalizeUploadNames: v.optional(v.boolean()),
      // Bounds and separators are checked by the core with messages that say what is allowed.
      uploadSkip: v.optional(v.array(v.string())),
    }),
  ),
  connection: v.optional(v.strictObject({ keepaliveSeconds: v.optional(v.number()) })),
  terminal: v.optional(
    v.strictObject({
      localShell: v.optional(v.string()),
      logSessions: v.optional(v.boolean()),
      logFolder: v.optional(v.string()),
      logRaw: v.optional(v.boolean()),
    }),
  ),
  editor: v.optional(v.strictObject({ command: v.optional(v.string()) })),
  agent: v.optional(v.strictObject({ enabled: v.optional(v.boolean()), confirm: v.optional(v.boolean()) })),
  folders: v.optional(
    v.strictObject({
      download: v.optional(v.string()),
      sqlExport: v.optional(v.string()),
      keyExport: v.optional(v.string()),
      sessionLogs: v.optional(v.string()),
    }),
  ),
});

export const SETTINGS_ARGS = argsOf<SettingsApi>()({
  get: args(),
  update: args(SettingsChangeSchema),
  about: args(),
});
