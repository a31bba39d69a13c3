import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { parseGatewayUser } from '../../../shared/src/gatewayAddress.ts';
import { draftProblem, HostDraftSchema } from '../../../shared/src/hostRules.ts';
import { DEFAULT_SSH_PORT, type NodeShortcut, type SavedHost } from '../../../shared/src/hosts.ts';
import type {
  ImportPlan,
  KeyOffer,
  PlannedHost,
  PlannedShortcut,
  SkippedSession,
} from '../../../shared/src/imports.ts';
import type { ForeignSession, ParsedSessions } from './foreignSession.ts';
import type { KeyProbe } from './keyProbe.ts';
import { PUTTY_DEFAULTS } from './puttySessions.ts';

export interface PlanContext {
  /** The current platform's gateway, and older names it answers to; none before a platform is chosen. */
  gateway?: GatewayAddress & { otherNames?: readonly string[] };
  saved: { hosts: SavedHost[]; shortcuts: NodeShortcut[] };
  vaultKeys: readonly { id: string; name: string; publicKey: string }[];
  /** Each named key file, probed (keyProbe.ts). */
  probes: ReadonlyMap<string, KeyProbe>;
}

export type Plan = Omit<ImportPlan, 'source' | 'from'>;

// The store's limits (shared/src/hostRules.ts): a longer session name or origin is cut, not refused.
const NAME_MAX = 64;
const ORIGIN_MAX = 200;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const sameHost = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

const FORWARDS_NOTE =
  'Enscale SSH does not keep port forwards with a saved host, so they are not imported; the host is. ' +
  'Forward a port when you need it';

/** What each session of a source becomes, given what is saved already. Pure: everything it needs is passed in. */
export function planImport(parsed: ParsedSessions, context: PlanContext): Plan {
  const skipped: SkippedSession[] = [...parsed.skipped];
  const shortcuts: PlannedShortcut[] = [];
  const hosts: (PlannedHost & { proxyOf?: ForeignSession })[] = [];
  const skip = (session: ForeignSession, reason: string) => skipped.push({ session: session.name, reason });
  /** Sessions skipped as a saved host's duplicate: a jump through them goes through that host. */
  const duplicates = new Map<string, SavedHost>();

  for (const session of parsed.sessions) {
    if (session.name === PUTTY_DEFAULTS && session.origin.includes('session'))
      skip(session, 'these are PuTTY’s settings for new sessions, not a host');
    else if (session.protocol !== 'ssh')
      skip(session, `it is a ${session.protocol} session: only SSH sessions are imported`);
    else if (!session.host) skip(session, 'it names no host');
    else if (onGateway(session, context.gateway)) {
      const shortcut = shortcutFor(session, context, shortcuts);
      if (typeof shortcut === 'string') skip(session, shortcut);
      else shortcuts.push(shortcut);
    } else if (!session.user)
      skip(session, 'it names no user (PuTTY asks at each login): add it under Hosts with its user name');
    else {
      const draft = {
        name: clip(session.name.trim() || session.host, NAME_MAX),
        host: session.host,
        port: session.port ?? DEFAULT_SSH_PORT,
        user: session.user,
        importedFrom: clip(session.origin, ORIGIN_MAX),
      };
      const problem = draftProblem(HostDraftSchema, { ...draft, auth: { kind: 'agent' } });
      const saved = context.saved.hosts.find((h) => sameTarget(h, draft));
      const earlier = hosts.find((h) => sameTarget(h.draft, draft));
      if (problem) skip(session, `it cannot be saved as a host: ${problem.field}: ${problem.message}`);
      else if (saved) {
        duplicates.set(session.name, saved);
        skip(session, `it is already saved as the host “${saved.name}” (same address, port and user)`);
      } else if (earlier) skip(session, `it is the same host, port and user as “${earlier.session}”`);
      else hosts.push(hostFor(session, draft, context));
    }
  }
  for (const host of hosts) resolveJump(host, hosts, duplicates, context.saved.hosts);
  const keyOffers = offers([...hosts, ...shortcuts], parsed.sessions, context);
  return { shortcuts, hosts: hosts.map(({ proxyOf: _proxy, ...host }) => host), keyOffers, skipped };
}

function onGateway(session: ForeignSession, gateway: PlanContext['gateway']): boolean {
  if (!gateway || !session.host) return false;
  const names = [gateway.host, ...(gateway.otherNames ?? [])];
  return (
    names.some((name) => sameHost(name, session.host ?? '')) &&
    (session.port ?? DEFAULT_SSH_PORT) === gateway.port
  );
}

function shortcutFor(
  session: ForeignSession,
  context: PlanContext,
  planned: PlannedShortcut[],
): PlannedShortcut | string {
  const gateway = context.gateway as GatewayAddress;
  const user = session.user ? parseGatewayUser(session.user) : undefined;
  if (user?.kind === 'menu')
    return `it opens the gateway’s menu for account ${user.uid}, which the app opens from the environment list (Open gateway menu)`;
  if (!user)
    return (
      `it is on the Enscale gateway, but its user “${session.user ?? ''}” is neither UID (the menu) nor ` +
      'NODEID-UID (a node)'
    );
  const same = (s: Pick<NodeShortcut, 'nodeId' | 'uid' | 'gateway'>) =>
    s.nodeId === user.nodeId &&
    s.uid === user.uid &&
    sameHost(s.gateway.host, gateway.host) &&
    s.gateway.port === gateway.port;
  const saved = context.saved.shortcuts.find(same);
  if (saved) return `it is already saved as the node shortcut “${saved.name}”`;
  const earlier = planned.find((s) => same(s.draft));
  if (earlier) return `it goes to the same node as “${earlier.session}”`;
  const notes = [
    ...session.problems,
    ...(session.forwards.length
      ? [`${forwardsWords(session)}: ${FORWARDS_NOTE} with the node’s “Open tunnel…”.`]
      : []),
    ...(session.keyFiles.length
      ? [
          'The gateway signs in with the vault’s keys: import the key below (and sync it) if it is not there yet.',
        ]
      : []),
    ...(session.proxy
      ? [`It went through ${proxyWords(session)}; the app reaches the gateway directly.`]
      : []),
  ];
  return {
    session: session.name,
    draft: {
      name: clip(session.name.trim() || `node ${user.nodeId}`, NAME_MAX),
      nodeId: user.nodeId,
      uid: user.uid,
      gateway: { host: gateway.host, port: gateway.port },
      importedFrom: clip(session.origin, ORIGIN_MAX),
    },
    notes,
  };
}

function hostFor(
  session: ForeignSession,
  draft: PlannedHost['draft'],
  context: PlanContext,
): PlannedHost & { proxyOf?: ForeignSession } {
  const inVault = session.keyFiles.map((file) => vaultKeyOf(file, context)).find((key) => key !== undefined);
  const keyFile = session.keyFiles[0];
  const notes = [
    ...session.problems,
    ...(session.userNote ? [`${capital(session.userNote)}.`] : []),
    ...(session.forwards.length ? [`${forwardsWords(session)}: ${FORWARDS_NOTE}.`] : []),
    ...(session.keyFiles.length > 1
      ? [
          `It names ${session.keyFiles.length} key files; the first one is the host’s key, the others are offered too.`,
        ]
      : []),
  ];
  return {
    session: session.name,
    draft,
    auth: inVault ? { kind: 'key', keyId: inVault.id } : { kind: 'agent' },
    ...(keyFile ? { keyFile } : {}),
    notes,
    ...(session.proxy ? { proxyOf: session } : {}),
  };
}

/** A jump host: another host of this import (ssh config alias, or the same address), else a saved one. */
function resolveJump(
  host: PlannedHost & { proxyOf?: ForeignSession },
  planned: readonly (PlannedHost & { proxyOf?: ForeignSession })[],
  duplicates: ReadonlyMap<string, SavedHost>,
  saved: readonly SavedHost[],
): void {
  const proxy = host.proxyOf?.proxy;
  if (!proxy) return;
  if (proxy.kind === 'other') {
    host.notes.push(
      `It went through ${proxy.description}, which Enscale SSH does not do: it is imported without it and may be unreachable directly.`,
    );
    return;
  }
  const matches = (target: { host: string; port: number; user: string }) =>
    sameHost(target.host, proxy.host) &&
    target.port === (proxy.port ?? DEFAULT_SSH_PORT) &&
    (proxy.user === undefined || target.user === proxy.user);
  const byAlias = proxy.alias === undefined ? undefined : planned.find((p) => p.session === proxy.alias);
  const dupe = proxy.alias === undefined ? undefined : duplicates.get(proxy.alias);
  const plannedJump = byAlias ?? planned.find((p) => p !== host && matches(p.draft));
  const savedJump = dupe ?? saved.find(matches);
  if (plannedJump && plannedJump !== host) host.jump = { session: plannedJump.session };
  else if (savedJump) host.jump = { hostId: savedJump.id, name: savedJump.name };
  else
    host.notes.push(
      `It is reached through ${proxyWords(host.proxyOf as ForeignSession)}, which is not saved here: add that host, ` +
        'then choose it as this host’s jump host.',
    );
}

function offers(
  planned: readonly { session: string }[],
  sessions: readonly ForeignSession[],
  context: PlanContext,
): KeyOffer[] {
  const byPath = new Map<string, KeyOffer>();
  const names = new Set(planned.map((p) => p.session));
  // In the source's order, so the list reads like the file.
  for (const session of sessions.filter((s) => names.has(s.name))) {
    for (const path of session.keyFiles) {
      const offer = byPath.get(path) ?? offerFor(path, context);
      offer.usedBy.push(session.name);
      byPath.set(path, offer);
    }
  }
  return [...byPath.values()];
}

function offerFor(path: string, context: PlanContext): KeyOffer {
  const probe = context.probes.get(path) ?? {
    state: 'unreadable',
    encrypted: false,
    problem: 'it was not read',
  };
  const base = {
    path,
    usedBy: [],
    encrypted: probe.encrypted,
    ...(probe.fingerprint ? { fingerprint: probe.fingerprint } : {}),
  };
  if (probe.state !== 'readable') return { ...base, state: probe.state, problem: probe.problem ?? '' };
  const inVault = vaultKeyOf(path, context);
  return inVault ? { ...base, state: 'inVault', inVault } : { ...base, state: 'importable' };
}

function vaultKeyOf(path: string, context: PlanContext): { id: string; name: string } | undefined {
  const blob = context.probes.get(path)?.blob;
  if (!blob) return undefined;
  const key = context.vaultKeys.find((k) => k.publicKey.split(/\s+/)[1] === blob);
  return key ? { id: key.id, name: key.name } : undefined;
}

function sameTarget(
  a: { host: string; port: number; user: string },
  b: { host: string; port: number; user: string },
): boolean {
  return sameHost(a.host, b.host) && a.port === b.port && a.user === b.user;
}

function forwardsWords(session: ForeignSession): string {
  return `Its port forward${session.forwards.length > 1 ? 's' : ''} (${session.forwards.join(', ')})`;
}

function proxyWords(session: ForeignSession): string {
  const proxy = session.proxy;
  if (!proxy) return '';
  if (proxy.kind === 'other') return proxy.description;
  return `the jump host ${proxy.user ? `${proxy.user}@` : ''}${proxy.host}${proxy.port ? `:${proxy.port}` : ''}`;
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
