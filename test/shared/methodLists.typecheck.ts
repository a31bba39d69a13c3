import { methodList } from '../../shared/src/rpc/methods.ts';
import { argsOf, args } from '../../shared/src/rpc/args.ts';
import type { SettingsApi } from '../../shared/src/settings.ts';

/*
 * Compiled by `npm run typecheck` (tsc -b), never run: each `@ts-expect-error` below must find an
 * error, so if a method added to a service interface without listing it (or without a schema) ever
 * compiled again, the unused directive would fail type-checking instead.
 */

interface SettingsWithReset extends SettingsApi {
  reset(): Promise<void>;
}

// @ts-expect-error — `reset` is not listed: "methodsNotListed: 'reset'".
export const unlisted = methodList<SettingsWithReset>()(['get', 'update', 'about']);

export const listed = methodList<SettingsWithReset>()(['get', 'update', 'about', 'reset']);

// @ts-expect-error — a name that is no method of the interface.
export const unknown = methodList<SettingsApi>()(['get', 'update', 'about', 'delete']);

interface Pinger {
  ping(): Promise<void>;
  pong(): Promise<void>;
}

export const schemas = argsOf<Pinger>()({ ping: args(), pong: args() });

// @ts-expect-error — `pong` has no argument schema.
export const noSchema = argsOf<Pinger>()({ ping: args() });
