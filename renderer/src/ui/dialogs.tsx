import { useState, type ReactNode } from 'react';
import {
  Button,
  Dialog,
  Form,
  Heading,
  Modal,
  ModalOverlay,
  TextArea,
  TextField,
  Label,
} from 'react-aria-components';
import { Field, InlineError } from './fields.tsx';
import { useAction } from './useAction.ts';

/**
 * A modal dialog named by its title (its heading, and its accessible name); Escape or a click outside
 * closes it, except while `busy` (an import running must not vanish under the user's click).
 */
export function ModalDialog(props: {
  title: string;
  onClose: () => void;
  busy?: boolean;
  /** Extra classes for the modal and the dialog (e.g. a wider one). */
  modalClass?: string;
  dialogClass?: string;
  children: ReactNode;
}) {
  return (
    <ModalOverlay
      isOpen
      isDismissable={!props.busy}
      onOpenChange={(open) => !open && props.onClose()}
      className="modal-overlay"
    >
      <Modal className={props.modalClass ? `modal ${props.modalClass}` : 'modal'}>
        <Dialog
          className={props.dialogClass ? `dialog ${props.dialogClass}` : 'dialog'}
          aria-label={props.title}
        >
          <Heading slot="title">{props.title}</Heading>
          {props.children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** Closes the dialog once the action is done; a failure stays in the dialog, with the reason, to retry. */
function useDialogAction(action: () => Promise<void>, close: () => void) {
  const { error, busy, run } = useAction();
  return {
    error,
    busy,
    run: () =>
      run(async () => {
        await action();
        close();
      }),
  };
}

/** Asks for one line of text (a new folder's name, a new name, a mode). */
export function PromptDialog(props: {
  title: string;
  label: string;
  initial: string;
  confirm: string;
  description?: ReactNode;
  validate?: (value: string) => string | undefined;
  onSubmit: (value: string) => Promise<void>;
  onClose: () => void;
}) {
  const [value, setValue] = useState(props.initial);
  const { error, busy, run } = useDialogAction(() => props.onSubmit(value), props.onClose);
  const invalid = props.validate?.(value);
  return (
    <ModalOverlay
      isOpen
      isDismissable
      onOpenChange={(open) => !open && props.onClose()}
      className="modal-overlay"
    >
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title">{props.title}</Heading>
          <Form
            onSubmit={(event) => {
              event.preventDefault();
              if (!invalid) void run();
            }}
          >
            <Field
              label={props.label}
              value={value}
              onChange={setValue}
              autoFocus
              description={props.description}
            />
            {value !== props.initial && invalid && <p className="inline-error">{invalid}</p>}
            <InlineError message={error} />
            <div className="row end">
              <Button onPress={props.onClose}>Cancel</Button>
              <Button
                type="submit"
                className="react-aria-Button primary"
                isDisabled={busy || invalid !== undefined}
              >
                {props.confirm}
              </Button>
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirm: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { error, busy, run } = useDialogAction(props.onConfirm, props.onClose);
  return (
    <ModalOverlay
      isOpen
      isDismissable
      onOpenChange={(open) => !open && props.onClose()}
      className="modal-overlay"
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className={props.danger ? 'dialog danger' : 'dialog'}>
          <Heading slot="title">{props.title}</Heading>
          {props.children}
          <InlineError message={error} />
          <div className="row end">
            <Button onPress={props.onClose} autoFocus>
              Cancel
            </Button>
            <Button
              className={props.danger ? 'react-aria-Button danger' : 'react-aria-Button primary'}
              onPress={() => void run()}
              isDisabled={busy}
            >
              {props.confirm}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** Edits a small text file in place. */
export function TextEditorDialog(props: {
  title: string;
  initial: string;
  onSave: (text: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState(props.initial);
  const { error, busy, run } = useDialogAction(() => props.onSave(text), props.onClose);
  return (
    <ModalOverlay isOpen isDismissable={false} className="modal-overlay">
      <Modal className="modal wide">
        <Dialog className="dialog">
          <Heading slot="title">{props.title}</Heading>
          <TextField value={text} onChange={setText} className="field">
            <Label>Contents</Label>
            <TextArea className="react-aria-Input editor" rows={20} spellCheck={false} />
          </TextField>
          <InlineError message={error} />
          <div className="row end">
            <Button onPress={props.onClose}>Cancel</Button>
            <Button className="react-aria-Button primary" onPress={() => void run()} isDisabled={busy}>
              Save
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
