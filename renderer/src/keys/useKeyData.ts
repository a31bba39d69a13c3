import { useCallback, useEffect, useState } from 'react';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';
import { errorCode, errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';

/**
 * This device's keys and the dashboard's, loaded side by side: either may fail alone (the keychain
 * locked, the platform offline) and the other is still shown.
 */
export function useKeyData() {
  const core = useCore();
  const [local, setLocal] = useState<KeyInfo[]>([]);
  const [localError, setLocalError] = useState<string>();
  const [dashboard, setDashboard] = useState<DashboardKey[]>();
  const [dashboardError, setDashboardError] = useState<string>();
  /** The platform refused the read for lack of permission (a restricted token): retrying will not help. */
  const [dashboardRefused, setDashboardRefused] = useState(false);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    setLoading(true);
    const [keys, remote] = await Promise.allSettled([core.keys.list(), core.platform.dashboardKeys()]);
    if (keys.status === 'fulfilled') {
      setLocal(keys.value);
      setLocalError(undefined);
    } else setLocalError(errorMessage(keys.reason));
    if (remote.status === 'fulfilled') {
      setDashboard(remote.value);
      setDashboardError(undefined);
      setDashboardRefused(false);
    } else {
      setDashboard(undefined);
      setDashboardError(errorMessage(remote.reason));
      setDashboardRefused(errorCode(remote.reason) === 'PermissionDenied');
    }
    setLoading(false);
  }, [core]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { local, localError, dashboard, dashboardError, dashboardRefused, loading, refresh };
}
