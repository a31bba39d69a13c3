import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { EditSession } from '../../../shared/src/edits.ts';
import { ConfirmDialog } from '../ui/dialogs.tsx';
import { EditConflictDialog } from './EditConflictDialog.tsx';
import { editStatusText } from './editStatus.ts';
import type { Edits } from './useEdits.ts';

/**
 * The pane's status lines for its files open in an editor: what the last save did, "Upload again"
 * after a failure, and "Stop editing" — which asks first when the last save is not on the node. The
 * first edit waiting for an answer shows its question.
 */
export function EditsStatus(props: { edits: Edits; place: string }) {
  const { edits } = props;
  const [stopping, setStopping] = useState<EditSession>();
  // The question answered last: hidden at once, before the core's next event says what became of it.
  const [answered, setAnswered] = useState<string>();
  if (edits.edits.length === 0) return null;
  const question = edits.edits.find(
    (edit) => edit.state === 'conflict' && edit.question && JSON.stringify(edit.question) !== answered,
  );
  return (
    <section className="edits-status" aria-label="Files open in your editor">
      <ul>
        {edits.edits.map((edit) => (
          <li key={edit.id} aria-label={`Editing ${edit.name}`} data-state={edit.state}>
            <span className="edit-name" title={edit.remotePath}>
              ✎ {edit.name}
            </span>
            <span className="edit-words" role="status">
              {editStatusText(edit)}
            </span>
            {edit.state === 'failed' && <Button onPress={() => void edits.upload(edit)}>Upload again</Button>}
            <Button
              aria-label={`Stop editing ${edit.name}`}
              onPress={() => (edit.inSync ? void edits.close(edit) : setStopping(edit))}
            >
              Stop editing
            </Button>
          </li>
        ))}
      </ul>
      {question && (
        <EditConflictDialog
          key={question.id}
          edit={question}
          place={props.place}
          onAnswer={(resolution) => {
            setAnswered(JSON.stringify(question.question));
            void edits.resolve(question, resolution);
          }}
        />
      )}
      {stopping && (
        <ConfirmDialog
          title={`Stop editing ${stopping.name}?`}
          confirm="Stop editing"
          danger
          onConfirm={() => edits.close(stopping)}
          onClose={() => setStopping(undefined)}
        >
          <p>
            Your last save of <code>{stopping.remotePath}</code> is not on {props.place}. Stopping removes the
            local copy; what your editor still shows stays there.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
