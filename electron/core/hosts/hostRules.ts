import * as v from 'valibot';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { HostDraft, SavedHost, ShortcutDraft } from '../../../shared/src/hosts.ts';
import { draftProblem, HostDraftSchema, ShortcutDraftSchema } from '../../../shared/src/hostRules.ts';

const ID = v.pipe(v.string(), v.maxLength(64));

export const HostsFileSchema = v.object({
  version: v.literal(1),
  hosts: v.array(v.object({ id: ID, ...HostDraftSchema.entries })),
  shortcuts: v.array(v.object({ id: ID, ...ShortcutDraftSchema.entries })),
});

/** Checks a draft, naming the first field that is wrong in words the dialog can show. */
export function checkedDraft<T>(schema: v.GenericSchema<unknown, T>, draft: unknown, what: string): T {
  const problem = draftProblem(schema, draft);
  if (problem)
    throw new InvalidInput(`The ${what} cannot be saved: ${problem.field}: ${problem.message}.`, {
      field: problem.field,
    });
  return v.parse(schema, draft);
}

/**
 * The hosts a host is reached through, nearest first; a jump host that is missing or leads back to
 * the host itself is refused, as `ssh -J` would loop forever.
 */
export function jumpChain(
  hosts: readonly SavedHost[],
  start: Pick<SavedHost, 'id' | 'jumpHostId'>,
): SavedHost[] {
  const chain: SavedHost[] = [];
  const seen = new Set([start.id]);
  let next = start.jumpHostId;
  while (next !== undefined) {
    const jump = hosts.find((host) => host.id === next);
    if (!jump)
      throw new InvalidInput('The jump host is not saved any more: choose another one.', {
        field: 'jumpHostId',
      });
    if (seen.has(jump.id))
      throw new InvalidInput(`The jump host “${jump.name}” leads back to this host: choose another one.`, {
        field: 'jumpHostId',
      });
    seen.add(jump.id);
    chain.push(jump);
    next = jump.jumpHostId;
  }
  return chain;
}

export { HostDraftSchema, ShortcutDraftSchema };
export type { HostDraft, ShortcutDraft };
