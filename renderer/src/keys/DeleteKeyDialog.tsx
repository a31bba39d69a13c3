import { useState } from 'react';
import { Button, Label, Radio, RadioGroup, Text } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { KeyDialog } from './KeyDialog.tsx';
import { Working } from '../ui/Working.tsx';

export type DeleteScope = 'device' | 'dashboard' | 'both';

const DONE: Record<DeleteScope, string> = {
  device: 'from this device',
  dashboard: 'from the dashboard',
  both: 'from this device and the dashboard',
};

/**
 * Deleting one of this device's keys: from this device, from the dashboard, or both — chosen
 * explicitly, nothing preselected. The dashboard goes first, so that when it fails (offline, signed
 * out) the private key is still here and the user can try again.
 */
export function DeleteKeyDialog(props: {
  keyInfo: KeyInfo;
  /** The dashboard entries holding this key's public half; undefined when the dashboard is unknown. */
  onDashboard: DashboardKey[] | undefined;
  dashboardError: string | undefined;
  /** Whether this is the device's only key. */
  lastKey: boolean;
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { keyInfo, onDashboard } = props;
  const [scope, setScope] = useState<DeleteScope | null>(null);
  // Stays busy once deleted: `onDone` closes the dialog.
  const { busy, error, run } = useAction({ keepBusyOnSuccess: true });
  const onIt = (onDashboard?.length ?? 0) > 0;

  const remove = async () => {
    if (!scope) return;
    await run(async () => {
      if (scope !== 'device')
        for (const entry of onDashboard ?? []) await core.platform.deleteDashboardKey(entry.id);
      if (scope !== 'dashboard') await core.keys.delete(keyInfo.id);
      props.onDone(`Deleted ${keyInfo.name} ${DONE[scope]}.`);
    });
  };

  const dashboardReason = onDashboard
    ? onIt
      ? undefined
      : 'It is not on the dashboard.'
    : `The dashboard could not be read${props.dashboardError ? `: ${props.dashboardError}` : ''}.`;

  return (
    <KeyDialog title={`Delete the key ${keyInfo.name}?`} alert danger busy={busy} onClose={props.onClose}>
      <p>
        <code className="fingerprint">{keyInfo.fingerprints.sha256}</code>
      </p>
      <RadioGroup
        value={scope}
        onChange={(value) => setScope(value as DeleteScope)}
        className="choices"
        isDisabled={busy}
      >
        <Label>Delete it</Label>
        <Radio value="device" className="choice">
          From this device only
          <Text slot="description">
            The private key is erased here and cannot be recovered unless you exported it.
            {onIt ? ' Its public half stays on the dashboard, so a copy elsewhere keeps working.' : ''}
          </Text>
        </Radio>
        <Radio value="dashboard" className="choice" isDisabled={!onIt}>
          From the dashboard only
          <Text slot="description">
            {dashboardReason ??
              'The gateway stops accepting this key. It stays on this device; “Add to dashboard” puts it back.'}
          </Text>
        </Radio>
        <Radio value="both" className="choice" isDisabled={!onIt}>
          From this device and the dashboard
          <Text slot="description">
            {dashboardReason ?? 'The key is gone everywhere, unless you exported a copy.'}
          </Text>
        </Radio>
      </RadioGroup>
      {props.lastKey && scope !== null && scope !== 'dashboard' && (
        <p className="notice">
          This is the only key on this device: terminals will not connect until you generate or import another
          one.
        </p>
      )}
      {busy && <Working label={`Deleting ${keyInfo.name} ${DONE[scope ?? 'device']}…`} />}
      <InlineError message={error} />
      <div className="row end">
        <Button onPress={props.onClose} isDisabled={busy} autoFocus>
          Cancel
        </Button>
        <Button
          className="react-aria-Button danger"
          onPress={() => void remove()}
          isDisabled={busy || !scope}
        >
          Delete
        </Button>
      </div>
    </KeyDialog>
  );
}

/** Deleting a dashboard key whose private half is not on this device. */
export function DeleteDashboardKeyDialog(props: {
  dashboardKey: DashboardKey;
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { dashboardKey } = props;
  const { busy, error, run } = useAction({ keepBusyOnSuccess: true });
  const remove = () =>
    run(async () => {
      await core.platform.deleteDashboardKey(dashboardKey.id);
      props.onDone(`Deleted ${dashboardKey.title} from the dashboard.`);
    });
  return (
    <KeyDialog
      title={`Delete ${dashboardKey.title} from the dashboard?`}
      alert
      danger
      busy={busy}
      onClose={props.onClose}
    >
      <p>
        <code className="fingerprint">{dashboardKey.fingerprint}</code>
      </p>
      <p>
        The gateway will stop accepting this key from any computer that has its private half. This device does
        not have it, so nothing here changes.
      </p>
      {busy && <Working label={`Deleting ${dashboardKey.title} from the dashboard…`} />}
      <InlineError message={error} />
      <div className="row end">
        <Button onPress={props.onClose} isDisabled={busy} autoFocus>
          Cancel
        </Button>
        <Button className="react-aria-Button danger" onPress={() => void remove()} isDisabled={busy}>
          Delete
        </Button>
      </div>
    </KeyDialog>
  );
}
