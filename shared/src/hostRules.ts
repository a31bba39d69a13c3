import * as v from 'valibot';

/*
 * What a saved host (hosts.ts) may hold, with messages a person can act on. One set of rules for
 * the page's form, the RPC's argument check and HostStore's reading of hosts.json, so a hand-edited
 * file cannot smuggle in what the dialog would refuse.
 */

export const NAME = v.pipe(v.string(), v.trim(), v.minLength(1, 'a name is needed'), v.maxLength(64));
// A DNS name, an IPv4 address or a bracket-less IPv6 address: no spaces, no leading '-' (which
// OpenSSH-style tools would read as an option if the host were ever passed on), no user@ part.
export const HOST = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'a host name or address is needed'),
  v.maxLength(253),
  v.regex(/^(?!-)[A-Za-z0-9._:%-]+$/, 'a host is a name or an address, without spaces or “user@”'),
);
const USER = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'a user name is needed'),
  v.maxLength(64),
  v.regex(/^[^\s@:\p{Cc}]+$/u, 'a user name has no spaces, “@” or “:”'),
);
export const PORT = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const ID = v.pipe(v.string(), v.maxLength(64));
const FROM = v.optional(v.pipe(v.string(), v.maxLength(200)));

export const HostDraftSchema = v.strictObject({
  name: NAME,
  host: HOST,
  port: PORT,
  user: USER,
  auth: v.variant('kind', [
    v.strictObject({ kind: v.literal('key'), keyId: ID }),
    v.strictObject({ kind: v.literal('agent') }),
  ]),
  jumpHostId: v.optional(ID),
  importedFrom: FROM,
});

export const ShortcutDraftSchema = v.strictObject({
  name: NAME,
  nodeId: v.pipe(v.number(), v.integer(), v.minValue(1)),
  uid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  gateway: v.strictObject({ host: HOST, port: PORT }),
  importedFrom: FROM,
});

/** The first thing wrong with a draft, as `field: message`; undefined when it can be saved. */
export function draftProblem(
  schema: v.GenericSchema,
  draft: unknown,
): { field: string; message: string } | undefined {
  const result = v.safeParse(schema, draft, { abortEarly: true });
  if (result.success) return undefined;
  const issue = result.issues[0];
  return { field: issue.path?.map((step) => String(step.key)).join('.') ?? 'value', message: issue.message };
}
