import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

/**
 * "New folder" inside the chooser: a name, made by the core in the folder shown (which refuses a
 * name the OS would not keep as typed, saying why), then opened.
 */
export function NewFolderForm(props: {
  parent: string;
  onMade: (path: string) => void;
  onCancel: () => void;
}) {
  const core = useCore();
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  return (
    <Form
      className="new-folder"
      aria-label="New folder"
      onSubmit={(event) => {
        event.preventDefault();
        // The chooser sits over another dialog's form, which must not take this submit as its own.
        event.stopPropagation();
        void run(async () => props.onMade(await core.localFolders.create(props.parent, name.trim())));
      }}
    >
      <div className="row">
        <Field
          label="Name of the new folder"
          value={name}
          onChange={setName}
          autoFocus
          isDisabled={busy}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return event.continuePropagation();
            props.onCancel();
          }}
        />
        <Button type="submit" className="react-aria-Button primary" isDisabled={busy || !name.trim()}>
          Make folder
        </Button>
        <Button onPress={props.onCancel}>Cancel</Button>
      </div>
      <InlineError message={error} />
    </Form>
  );
}
