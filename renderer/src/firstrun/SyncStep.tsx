import { useCallback, useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { KeySyncResult } from '../../../shared/src/platformService.ts';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { Working } from '../ui/Working.tsx';

/** Step 4: the key's public half on the dashboard (added only if it is not there yet). */
export function SyncStep(props: { keyInfo: KeyInfo; onDone: () => void }) {
  const core = useCore();
  const [result, setResult] = useState<KeySyncResult>();
  const { busy, error, run } = useAction();

  const sync = useCallback(
    () => run(async () => setResult(await core.platform.syncKey(props.keyInfo.id))),
    [run, core, props.keyInfo.id],
  );

  useEffect(() => {
    void sync();
  }, [sync]);

  return (
    <div className="step">
      <p>
        Key <strong>{props.keyInfo.name}</strong>{' '}
        <code className="fingerprint">{props.keyInfo.fingerprints.sha256}</code>
      </p>
      {busy && <Working label="Adding the public key to the dashboard…" />}
      {result && (
        <p role="status">
          {result.added
            ? `Added to the dashboard as “${result.key.title}”.`
            : `Already on the dashboard as “${result.key.title}”.`}
        </p>
      )}
      <InlineError message={error} />
      <div className="row">
        {error && (
          <Button onPress={() => void sync()} isDisabled={busy}>
            Retry
          </Button>
        )}
        {/* A refused sync (a token without the key methods) must not trap the user here: the
            environments work without it, and Keys → Sync can try again later. */}
        <Button className="react-aria-Button primary" onPress={props.onDone} isDisabled={!result && !error}>
          Show environments
        </Button>
      </div>
    </div>
  );
}
