import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';
import { DeleteDashboardKeyDialog, DeleteKeyDialog } from './DeleteKeyDialog.tsx';
import { ExportKeyDialog } from './ExportKeyDialog.tsx';
import { GenerateKeyDialog } from './GenerateKeyDialog.tsx';
import type { KeyMatch } from './keyMatching.ts';

export type OpenDialog =
  | { kind: 'generate' }
  | { kind: 'export'; key: KeyInfo }
  | { kind: 'delete'; key: KeyInfo }
  | { kind: 'deleteDashboard'; key: DashboardKey };

/** The keys page's one open dialog (generate, export, delete), if any. */
export function KeysPageDialogs(props: {
  dialog: OpenDialog | undefined;
  match: KeyMatch;
  dashboardKnown: boolean;
  dashboardError: string | undefined;
  onClose: () => void;
  /** A dialog finished its work: close it and show this outcome. */
  onDone: (message: string) => void;
}) {
  const { dialog, onClose, onDone } = props;
  switch (dialog?.kind) {
    case undefined:
      return null;
    case 'generate':
      return (
        <GenerateKeyDialog
          onClose={onClose}
          onDone={(key) =>
            onDone(
              key.warning
                ? `Generated ${key.name} (${key.fingerprints.sha256}). ${key.warning}`
                : `Generated ${key.name} (${key.fingerprints.sha256}). Add it to the dashboard to use it.`,
            )
          }
        />
      );
    case 'export':
      return <ExportKeyDialog keyInfo={dialog.key} onClose={onClose} onDone={onDone} />;
    case 'delete':
      return (
        <DeleteKeyDialog
          keyInfo={dialog.key}
          onDashboard={
            props.dashboardKnown
              ? (props.match.local.find((l) => l.key.id === dialog.key.id)?.onDashboard ?? [])
              : undefined
          }
          dashboardError={props.dashboardError}
          lastKey={props.match.local.length === 1}
          onClose={onClose}
          onDone={onDone}
        />
      );
    case 'deleteDashboard':
      return <DeleteDashboardKeyDialog dashboardKey={dialog.key} onClose={onClose} onDone={onDone} />;
  }
}
