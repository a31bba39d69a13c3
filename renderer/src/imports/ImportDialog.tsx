import { useState } from 'react';
import { Button } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import { ImportPlanStep } from './ImportPlanStep.tsx';
import { ImportReportView } from './ImportReportView.tsx';
import { ImportSourceStep } from './ImportSourceStep.tsx';
import { useImport } from './useImport.ts';

/** Import PuTTY/KiTTY sessions or ssh config hosts: choose the source, tick what to import, read the report. */
export function ImportDialog(props: { onClose: () => void }) {
  const flow = useImport();
  const close = () => {
    flow.release();
    props.onClose();
  };
  const { step } = flow;
  return (
    <ModalDialog title="Import sessions" onClose={close} busy={flow.busy} modalClass="wide">
      {step.kind === 'source' && (
        <ImportSourceStep
          busy={flow.busy}
          error={flow.error}
          onPreview={(source) => void flow.preview(source)}
          onPicked={(entry) => void flow.previewPicked(entry)}
          onClose={close}
        />
      )}
      {step.kind === 'plan' && (
        <ImportPlanStep
          plan={step.plan}
          busy={flow.busy}
          error={flow.error}
          onApply={(selection) => void flow.apply(step.plan, selection)}
          onBack={flow.back}
        />
      )}
      {step.kind === 'report' && <ImportReportView report={step.report} onClose={close} />}
    </ModalDialog>
  );
}

/** "Import…": the Hosts section's entry to the import dialog. */
export function ImportButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button className="react-aria-Button" onPress={() => setOpen(true)}>
        Import…
      </Button>
      {open && <ImportDialog onClose={() => setOpen(false)} />}
    </>
  );
}
