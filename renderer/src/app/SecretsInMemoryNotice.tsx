import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { SECRETS_IN_MEMORY_NOTICE } from '../../../shared/src/settings.ts';
import { useCore } from '../host/HostContext.tsx';

// Per tab: a reload does not repeat it, while the next run (a new temporary profile) says it again.
const DISMISSED = 'enscale-ssh:secrets-in-memory-notice-dismissed';

/**
 * Says once, until dismissed, that this temporary profile keeps its secrets in the core's memory
 * (no keychain on this machine): a key made here is gone when the app stops.
 */
export function SecretsInMemoryNotice() {
  const core = useCore();
  const [shown, setShown] = useState(false);

  useEffect(() => {
    let current = true;
    core.settings.about().then(
      (about) => {
        if (current && about.secrets === 'memory' && !sessionStorage.getItem(DISMISSED)) setShown(true);
      },
      // Only a notice: the About section shows the error if the core cannot answer.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [core]);

  if (!shown) return null;
  return (
    <aside className="secrets-notice" role="note" aria-label="Secrets in memory">
      <p>{SECRETS_IN_MEMORY_NOTICE}</p>
      <Button
        aria-label="Dismiss"
        onPress={() => {
          sessionStorage.setItem(DISMISSED, '1');
          setShown(false);
        }}
      >
        ×
      </Button>
    </aside>
  );
}
