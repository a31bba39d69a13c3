import { useState } from 'react';
import { Button, Checkbox, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { ConflictDecision, TransferConflict } from '../../../shared/src/transfers.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { formatBytes } from './format.ts';

/** A destination that already exists: overwrite, skip or keep both, for this file or all of its batch. */
export function ConflictDialog() {
  const core = useCore();
  const notifier = useNotifier();
  const [queue, setQueue] = useState<TransferConflict[]>([]);
  const [applyToAll, setApplyToAll] = useState(false);
  useCoreEvent(core.transfers.events, 'conflict', (conflict) => setQueue((q) => [...q, conflict]));
  const conflict = queue[0];

  const answer = (decision: ConflictDecision) => {
    if (!conflict) return;
    setQueue((q) => q.slice(1));
    core.transfers
      .answerConflict(conflict.id, decision, applyToAll)
      .catch((e: unknown) => notifier.error('Could not answer', errorMessage(e)));
  };

  return (
    <ModalOverlay isOpen={conflict !== undefined} isDismissable={false} className="modal-overlay">
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          {conflict && (
            <>
              <Heading slot="title">File already exists</Heading>
              <p>
                <code>{conflict.path}</code>
              </p>
              <dl className="fingerprints">
                <dt>Existing</dt>
                <dd>
                  {formatBytes(conflict.existing.size)}, {new Date(conflict.existing.mtime).toLocaleString()}
                </dd>
                <dt>{conflict.direction === 'upload' ? 'Uploading' : 'Downloading'}</dt>
                <dd>
                  {formatBytes(conflict.incoming.size)}, {new Date(conflict.incoming.mtime).toLocaleString()}
                </dd>
              </dl>
              <Checkbox isSelected={applyToAll} onChange={setApplyToAll} className="checkbox">
                <div className="box" aria-hidden="true" /> Apply to all conflicts of this transfer
              </Checkbox>
              <div className="row end">
                <Button onPress={() => answer('skip')}>Skip</Button>
                <Button onPress={() => answer('keepBoth')}>Keep both</Button>
                <Button className="react-aria-Button primary" onPress={() => answer('overwrite')}>
                  Overwrite
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
