import { useState } from 'react';
import { Button, Checkbox } from 'react-aria-components';
import type { ImportPlan, KeyOffer, PlannedHost } from '../../../shared/src/imports.ts';
import { Field, InlineError } from '../ui/fields.tsx';
import type { ImportSelection } from './useImport.ts';

function Check(props: {
  label: string;
  selected: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <Checkbox
      isSelected={props.selected}
      onChange={props.onChange}
      isDisabled={props.disabled ?? false}
      className="checkbox"
    >
      <div className="box" aria-hidden="true" /> {props.label}
    </Checkbox>
  );
}

const Notes = ({ notes }: { notes: string[] }) =>
  notes.length ? (
    <ul className="muted import-notes">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  ) : null;

const offerState = (offer: KeyOffer): string =>
  offer.state === 'inVault'
    ? `Already in the vault as “${offer.inVault?.name ?? ''}”`
    : offer.state === 'importable'
      ? `Not in the vault yet${offer.encrypted ? ', protected by a passphrase' : ''}`
      : (offer.problem ?? offer.state);

const authWords = (host: PlannedHost): string =>
  host.auth.kind === 'key'
    ? 'Signs in with a key already in the vault.'
    : host.keyFile
      ? `Signs in with ${host.keyFile} if you import it below, else with your SSH agent.`
      : 'Signs in with your SSH agent.';

/** The plan with a checkbox per session and key file; keys are imported only when ticked. */
export function ImportPlanStep(props: {
  plan: ImportPlan;
  busy: boolean;
  error: string | undefined;
  onApply: (selection: ImportSelection) => void;
  onBack: () => void;
}) {
  const { plan } = props;
  const [sessions, setSessions] = useState(
    () => new Set([...plan.shortcuts, ...plan.hosts].map((p) => p.session)),
  );
  const [keys, setKeys] = useState(() => new Map<string, string>());
  const toggle = (name: string, on: boolean) =>
    setSessions((old) => {
      const next = new Set(old);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  const setKey = (path: string, value: string | undefined) =>
    setKeys((old) => {
      const next = new Map(old);
      if (value === undefined) next.delete(path);
      else next.set(path, value);
      return next;
    });
  const nothing = plan.shortcuts.length + plan.hosts.length === 0;
  return (
    <div className="import-plan">
      <p className="muted">From {plan.from}. Nothing is saved until you press Import.</p>
      {plan.shortcuts.length > 0 && <h3>Node shortcuts (sessions on the Enscale gateway)</h3>}
      {plan.shortcuts.map((s) => (
        <div key={s.session} className="import-item">
          <Check
            label={`${s.session} → node ${s.draft.nodeId} (account ${s.draft.uid})`}
            selected={sessions.has(s.session)}
            onChange={(on) => toggle(s.session, on)}
          />
          <Notes notes={s.notes} />
        </div>
      ))}
      {plan.hosts.length > 0 && <h3>Hosts</h3>}
      {plan.hosts.map((h) => (
        <div key={h.session} className="import-item">
          <Check
            label={`${h.session} → ${h.draft.user}@${h.draft.host}:${h.draft.port}`}
            selected={sessions.has(h.session)}
            onChange={(on) => toggle(h.session, on)}
          />
          <Notes notes={[authWords(h), ...h.notes]} />
        </div>
      ))}
      {plan.keyOffers.length > 0 && <h3>Key files they name</h3>}
      {plan.keyOffers.map((offer) => (
        <div key={offer.path} className="import-item">
          <Check
            label={`Import ${offer.path}`}
            selected={keys.has(offer.path)}
            onChange={(on) => setKey(offer.path, on ? '' : undefined)}
            disabled={offer.state !== 'importable'}
          />
          <p className="muted import-notes">
            {offerState(offer)}
            {offer.fingerprint ? ` · ${offer.fingerprint}` : ''} · used by {offer.usedBy.join(', ')}
          </p>
          {keys.has(offer.path) && offer.encrypted && (
            <Field
              label={`Passphrase of ${offer.path}`}
              type="password"
              value={keys.get(offer.path) ?? ''}
              onChange={(value) => setKey(offer.path, value)}
            />
          )}
        </div>
      ))}
      {plan.skipped.length > 0 && <h3>Not imported</h3>}
      <ul className="import-skipped">
        {plan.skipped.map((s) => (
          <li key={s.session}>
            <strong>{s.session}</strong>: {s.reason}
          </li>
        ))}
      </ul>
      {nothing && <p>There is nothing here to import.</p>}
      <InlineError message={props.error} />
      <div className="row end">
        <Button onPress={props.onBack}>Back</Button>
        <Button
          className="react-aria-Button primary"
          isDisabled={props.busy || (sessions.size === 0 && keys.size === 0)}
          onPress={() => props.onApply({ sessions, keys })}
        >
          {props.busy ? 'Importing…' : 'Import'}
        </Button>
      </div>
    </div>
  );
}
