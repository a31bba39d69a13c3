import type { ReactNode } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

/**
 * The keys page's modal: a titled dialog that Escape or a click outside closes unless `busy` (a key
 * being generated, decrypted or written cannot be walked away from half-way).
 */
export function KeyDialog(props: {
  title: string;
  busy?: boolean;
  alert?: boolean;
  danger?: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <ModalOverlay
      isOpen
      isDismissable={!props.busy}
      isKeyboardDismissDisabled={props.busy ?? false}
      onOpenChange={(open) => !open && props.onClose()}
      className="modal-overlay"
    >
      <Modal className="modal key-modal">
        <Dialog
          role={props.alert ? 'alertdialog' : 'dialog'}
          className={props.danger ? 'dialog danger' : 'dialog'}
        >
          <Heading slot="title">{props.title}</Heading>
          {props.children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
