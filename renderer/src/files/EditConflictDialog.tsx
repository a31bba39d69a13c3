import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { EditResolution, EditSession } from '../../../shared/src/edits.ts';
import { stampText } from './editStatus.ts';

/**
 * A save would overwrite a change made on the node since the file was opened (or last uploaded):
 * both copies' sizes and times, then overwrite the node's copy or keep it (the save stays local and
 * the next save asks again).
 */
export function EditConflictDialog(props: {
  edit: EditSession;
  place: string;
  onAnswer: (resolution: EditResolution) => void;
}) {
  const { edit } = props;
  const question = edit.question;
  if (!question) return null;
  return (
    <ModalOverlay isOpen isDismissable={false} className="modal-overlay">
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title">{edit.name} changed on the node</Heading>
          <p>
            <code>{question.remotePath}</code> on {props.place} is not the copy you{' '}
            {edit.uploads > 0 ? 'last uploaded' : 'opened'}. Uploading your save replaces the node’s copy.
          </p>
          <dl className="fingerprints edit-stamps">
            <dt>On the node now</dt>
            <dd>{question.node ? stampText(question.node) : 'removed'}</dd>
            <dt>{edit.uploads > 0 ? 'Your last upload' : 'When you opened it'}</dt>
            <dd>{stampText(question.known)}</dd>
            <dt>Your save</dt>
            <dd>{stampText(question.local)}</dd>
          </dl>
          <div className="row end">
            <Button onPress={() => props.onAnswer('skip')}>Keep the node’s copy</Button>
            <Button className="react-aria-Button primary" onPress={() => props.onAnswer('overwrite')}>
              Overwrite
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
