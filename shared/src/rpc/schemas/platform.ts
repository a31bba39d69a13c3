import * as v from 'valibot';
import type { HostKeysApi } from '../../hostKeys.ts';
import type { PlatformApi } from '../../platformService.ts';
import { args, argsOf, integer, readonlyArray } from '../args.ts';
import { GatewayAddressSchema, PinnedHostKeySchema, text } from './targets.ts';

const PlatformProfileSchema = v.strictObject({
  kind: v.picklist(['enscale', 'sandbox', 'custom']),
  label: text,
  apiUrl: text,
  gateway: GatewayAddressSchema,
  gatewayKey: v.optional(PinnedHostKeySchema),
  keyTypes: v.optional(readonlyArray(text)),
  demoDatabases: v.optional(
    readonlyArray(v.strictObject({ nodeId: integer(1), database: text, user: text, password: text })),
  ),
});

export const PLATFORM_ARGS = argsOf<PlatformApi>()({
  current: args(),
  presets: args(),
  useProfile: args(PlatformProfileSchema),
  signIn: args(text, text),
  verifyCode: args(text),
  signInWithToken: args(text),
  signOut: args(),
  environments: args(),
  startEnvironment: args(text),
  stopEnvironment: args(text),
  sleepEnvironment: args(text),
  dashboardKeys: args(),
  deleteDashboardKey: args(integer(0)),
  syncKey: args(text),
});

export const HOST_KEYS_ARGS = argsOf<HostKeysApi>()({
  answer: args(text, v.picklist(['once', 'remember', 'reject'])),
});
