import { KeyAlreadyInVault, PassphraseRequired, WrongPassphrase } from '../../../shared/src/errors.ts';
import type { HostAuth, HostsApi } from '../../../shared/src/hosts.ts';
import type { ImportChoice, ImportPlan, ImportReport, PlannedHost } from '../../../shared/src/imports.ts';
import type { KeysApi } from '../../../shared/src/keys.ts';

interface Stores {
  hosts: Pick<HostsApi, 'add' | 'addShortcut'>;
  keys: Pick<KeysApi, 'importFile'>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Saves what was chosen of a plan: keys first (a host's key must be in the vault before the host
 * names it), then shortcuts, then hosts with each jump host before the hosts reached through it.
 * Each item fails on its own: the report says which and why, and the rest is still imported.
 */
export async function applyPlan(
  plan: ImportPlan,
  choice: ImportChoice,
  stores: Stores,
): Promise<ImportReport> {
  const report: ImportReport = {
    from: plan.from,
    imported: [],
    notImported: plan.skipped.map((s) => ({ kind: 'session', name: s.session, reason: s.reason })),
  };
  const planned = new Set([...plan.hosts, ...plan.shortcuts].map((p) => p.session));
  const chosen = (session: string) => choice.sessions === undefined || choice.sessions.includes(session);
  for (const name of choice.sessions ?? [])
    if (!planned.has(name) && !plan.skipped.some((s) => s.session === name))
      report.notImported.push({ kind: 'session', name, reason: 'the source no longer has this session' });

  const keyIds = new Map<string, string>();
  const keyNames = new Map<string, string>();
  const keyProblems = new Map<string, string>();
  for (const offer of plan.keyOffers)
    if (offer.inVault) {
      keyIds.set(offer.path, offer.inVault.id);
      keyNames.set(offer.path, offer.inVault.name);
    }
  for (const offer of plan.keyOffers) {
    const wanted = choice.keys?.find((k) => k.path === offer.path);
    if (offer.state === 'inVault') continue;
    if (!wanted) {
      const reason =
        offer.state === 'importable' ? 'it was not chosen for import' : (offer.problem ?? 'not chosen');
      keyProblems.set(offer.path, reason);
      report.notImported.push({ kind: 'key', name: offer.path, reason });
      continue;
    }
    if (offer.state !== 'importable') {
      keyProblems.set(offer.path, offer.problem ?? 'it cannot be read');
      report.notImported.push({
        kind: 'key',
        name: offer.path,
        reason: offer.problem ?? 'it cannot be read',
      });
      continue;
    }
    try {
      const key = await stores.keys.importFile({
        path: offer.path,
        ...(wanted.passphrase ? { passphrase: wanted.passphrase } : {}),
      });
      keyIds.set(offer.path, key.id);
      keyNames.set(offer.path, key.name);
      report.imported.push({
        kind: 'key',
        id: key.id,
        name: key.name,
        from: offer.path,
        notes: key.warning ? [key.warning] : [],
      });
    } catch (error) {
      if (error instanceof KeyAlreadyInVault) {
        keyIds.set(offer.path, String(error.details.existingId));
        continue;
      }
      const reason =
        error instanceof PassphraseRequired
          ? 'it is protected by a passphrase: type the passphrase to import it'
          : error instanceof WrongPassphrase
            ? 'the passphrase is wrong'
            : messageOf(error);
      keyProblems.set(offer.path, reason);
      report.notImported.push({ kind: 'key', name: offer.path, reason });
    }
  }
  for (const name of choice.keys ?? [])
    if (!plan.keyOffers.some((offer) => offer.path === name.path))
      report.notImported.push({
        kind: 'key',
        name: name.path,
        reason: 'no session imported from this source names this key file',
      });

  for (const shortcut of plan.shortcuts) {
    if (!chosen(shortcut.session)) {
      report.notImported.push({ kind: 'shortcut', name: shortcut.session, reason: 'it was not chosen' });
      continue;
    }
    try {
      const saved = await stores.hosts.addShortcut(shortcut.draft);
      report.imported.push({
        kind: 'shortcut',
        id: saved.id,
        name: saved.name,
        from: shortcut.session,
        notes: shortcut.notes,
      });
    } catch (error) {
      report.notImported.push({ kind: 'shortcut', name: shortcut.session, reason: messageOf(error) });
    }
  }

  const savedIds = new Map<string, string>();
  for (const host of jumpOrder(plan.hosts)) {
    if (!chosen(host.session)) {
      report.notImported.push({ kind: 'host', name: host.session, reason: 'it was not chosen' });
      continue;
    }
    const notes = [...host.notes];
    let auth: HostAuth = host.auth;
    const keyId = host.keyFile === undefined ? undefined : keyIds.get(host.keyFile);
    if (keyId && host.keyFile) {
      auth = { kind: 'key', keyId };
      notes.unshift(`It signs in with the vault key “${keyNames.get(host.keyFile) ?? keyId}”.`);
    } else if (host.keyFile && auth.kind === 'agent')
      notes.push(
        `It signs in with your SSH agent: its key ${host.keyFile} is not in the vault (${keyProblems.get(host.keyFile) ?? 'not imported'}).`,
      );
    let jumpHostId: string | undefined;
    if (host.jump && 'hostId' in host.jump) jumpHostId = host.jump.hostId;
    else if (host.jump) {
      jumpHostId = savedIds.get(host.jump.session);
      if (!jumpHostId)
        notes.push(
          `Its jump host “${host.jump.session}” was not imported, so it has none: choose one under Hosts.`,
        );
    }
    try {
      const saved = await stores.hosts.add({ ...host.draft, auth, ...(jumpHostId ? { jumpHostId } : {}) });
      savedIds.set(host.session, saved.id);
      report.imported.push({ kind: 'host', id: saved.id, name: saved.name, from: host.session, notes });
    } catch (error) {
      report.notImported.push({ kind: 'host', name: host.session, reason: messageOf(error) });
    }
  }
  return report;
}

/** Jump hosts before the hosts that go through them; a loop (a → b → a) is broken where it closes. */
function jumpOrder(hosts: readonly PlannedHost[]): PlannedHost[] {
  const ordered: PlannedHost[] = [];
  const placing = new Set<string>();
  const place = (host: PlannedHost) => {
    if (ordered.includes(host) || placing.has(host.session)) return;
    placing.add(host.session);
    const jump =
      host.jump && 'session' in host.jump
        ? hosts.find((h) => h.session === (host.jump as { session: string }).session)
        : undefined;
    if (jump) place(jump);
    ordered.push(host);
  };
  hosts.forEach(place);
  return ordered;
}
