import { useEffect, useState } from 'react';
import {
  Button,
  Form,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import { draftProblem, HostDraftSchema } from '../../../shared/src/hostRules.ts';
import { DEFAULT_SSH_PORT, type HostDraft, type SavedHost } from '../../../shared/src/hosts.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { useCore } from '../host/HostContext.tsx';
import { ModalDialog } from '../ui/dialogs.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

const AGENT = 'agent';
const DIRECT = 'direct';

interface Form {
  name: string;
  host: string;
  port: string;
  user: string;
  /** A vault key's id, or `agent`. */
  auth: string;
  /** A saved host's id, or `direct`. */
  jump: string;
}

const formOf = (host: SavedHost | undefined): Form => ({
  name: host?.name ?? '',
  host: host?.host ?? '',
  port: String(host?.port ?? DEFAULT_SSH_PORT),
  user: host?.user ?? '',
  auth: host ? (host.auth.kind === 'agent' ? AGENT : host.auth.keyId) : '',
  jump: host?.jumpHostId ?? DIRECT,
});

const draftOf = (form: Form): HostDraft => ({
  name: form.name,
  host: form.host,
  port: Number(form.port),
  user: form.user,
  auth: form.auth === AGENT ? { kind: 'agent' } : { kind: 'key', keyId: form.auth },
  ...(form.jump !== DIRECT ? { jumpHostId: form.jump } : {}),
});

/** Adds a plain SSH host or edits one: address, user, key (or the user's agent) and jump host. */
export function HostDialog(props: { editing?: SavedHost; hosts: SavedHost[]; onClose: () => void }) {
  const core = useCore();
  const [form, setForm] = useState(() => formOf(props.editing));
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const { error, busy, run } = useAction();
  useEffect(() => {
    void core.keys.list().then((list) => {
      setKeys(list);
      // A new host signs in with the newest key unless the user picks another (or the agent).
      setForm((f) => (f.auth === '' ? { ...f, auth: list[0]?.id ?? AGENT } : f));
    });
  }, [core]);
  const set = (field: keyof Form) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const problem = draftProblem(HostDraftSchema, draftOf(form));
  const shown = (field: string) => (problem?.field === field ? problem.message : undefined);
  // A host cannot jump through itself (nor, the core checks, through a host that jumps through it).
  const jumps = props.hosts.filter((h) => h.id !== props.editing?.id);
  const save = () =>
    run(async () => {
      const draft = draftOf(form);
      if (props.editing) await core.hosts.update(props.editing.id, draft);
      else await core.hosts.add(draft);
      props.onClose();
    });
  return (
    <ModalDialog
      title={props.editing ? `Edit ${props.editing.name}` : 'Add a host'}
      onClose={props.onClose}
      busy={busy}
    >
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem) save();
        }}
      >
        <Field label="Name" value={form.name} onChange={set('name')} autoFocus placeholder="backup box" />
        <div className="row">
          <Field
            label="Host"
            value={form.host}
            onChange={set('host')}
            placeholder="vps.example.org"
            isInvalid={!!shown('host') && form.host !== ''}
            description={form.host !== '' ? shown('host') : undefined}
          />
          <Field label="Port" value={form.port} onChange={set('port')} inputMode="numeric" />
        </div>
        <Field
          label="User"
          value={form.user}
          onChange={set('user')}
          placeholder="deploy"
          isInvalid={!!shown('user') && form.user !== ''}
          description={form.user !== '' ? shown('user') : undefined}
        />
        <Choice label="Sign in with" value={form.auth} onChange={set('auth')}>
          {keys.map((key) => (
            <ListBoxItem key={key.id} id={key.id}>{`Key “${key.name}” (${key.type})`}</ListBoxItem>
          ))}
          <ListBoxItem id={AGENT}>My SSH agent (SSH_AUTH_SOCK, Pageant)</ListBoxItem>
        </Choice>
        <Choice label="Reach it" value={form.jump} onChange={set('jump')}>
          <ListBoxItem id={DIRECT}>Directly</ListBoxItem>
          {jumps.map((host) => (
            <ListBoxItem key={host.id} id={host.id}>{`Through “${host.name}” (jump host)`}</ListBoxItem>
          ))}
        </Choice>
        {problem && form.name !== '' && <p className="muted">{`${problem.field}: ${problem.message}`}</p>}
        <InlineError message={error} />
        <div className="row end">
          <Button onPress={props.onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button type="submit" className="react-aria-Button primary" isDisabled={busy || !!problem}>
            {props.editing ? 'Save' : 'Add host'}
          </Button>
        </div>
      </Form>
    </ModalDialog>
  );
}

function Choice(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: React.ReactNode;
}) {
  return (
    <Select
      className="field select"
      selectedKey={props.value}
      onSelectionChange={(key) => key !== null && props.onChange(String(key))}
    >
      <Label>{props.label}</Label>
      <Button className="react-aria-Button select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover>
        <ListBox>{props.children}</ListBox>
      </Popover>
    </Select>
  );
}
