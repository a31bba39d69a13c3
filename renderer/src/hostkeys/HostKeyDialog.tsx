import { useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { HostKeyDecision, HostKeyQuestion } from '../../../shared/src/hostKeys.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

/**
 * A host key seen for the first time: its fingerprints in both forms (the dashboard shows MD5,
 * OpenSSH SHA256) and the choice to trust it once, remember it, or refuse. Questions queue up.
 */
export function HostKeyDialog() {
  const core = useCore();
  const notifier = useNotifier();
  const [questions, setQuestions] = useState<HostKeyQuestion[]>([]);
  useCoreEvent(core.hostKeys.events, 'question', (question) => setQuestions((q) => [...q, question]));
  const question = questions[0];

  const answer = (decision: HostKeyDecision) => {
    if (!question) return;
    setQuestions((q) => q.slice(1));
    core.hostKeys
      .answer(question.id, decision)
      .catch((e: unknown) => notifier.error('Host key', errorMessage(e)));
  };

  return (
    <ModalOverlay
      isOpen={question !== undefined}
      isDismissable={false}
      isKeyboardDismissDisabled={false}
      onOpenChange={(open) => {
        if (!open) answer('reject');
      }}
      className="modal-overlay"
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          {question && (
            <>
              <Heading slot="title">Unknown host key</Heading>
              <p>
                <strong>
                  {question.host}:{question.port}
                </strong>{' '}
                presents a host key ({question.keyType}) this app has not seen before. Compare its fingerprint
                with the one your platform publishes before you trust it.
              </p>
              {question.knownAs.length > 0 && (
                <p className="notice">
                  This same key is already trusted as {question.knownAs.join(', ')}: the server probably
                  changed its address.
                </p>
              )}
              <dl className="fingerprints">
                <dt>SHA256</dt>
                <dd>
                  <code>{question.sha256}</code>
                </dd>
                <dt>MD5</dt>
                <dd>
                  <code>{question.md5}</code>
                </dd>
              </dl>
              <div className="row end">
                <Button onPress={() => answer('reject')}>Cancel</Button>
                <Button onPress={() => answer('once')}>Accept once</Button>
                <Button className="react-aria-Button primary" onPress={() => answer('remember')}>
                  Accept and remember
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** A changed host key: blocking, with both fingerprints as the core states them. */
export function HostKeyChangedDialog(props: { message: string | undefined; onClose: () => void }) {
  return (
    <ModalOverlay isOpen={props.message !== undefined} isDismissable={false} className="modal-overlay">
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog danger">
          <Heading slot="title">Host key changed — connection refused</Heading>
          <p>{props.message}</p>
          <p>
            Someone may be intercepting the connection, or the server was reinstalled. Check with your
            platform before removing the old key from known_hosts.
          </p>
          <div className="row end">
            <Button className="react-aria-Button primary" onPress={props.onClose}>
              I understand
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
