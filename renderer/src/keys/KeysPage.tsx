import { useState } from 'react';
import { Button, FileTrigger } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { pickedEntries, type DroppedEntry } from '../host/droppedEntries.ts';
import { InlineError } from '../ui/fields.tsx';
import { DashboardKeysTable } from './DashboardKeysTable.tsx';
import { importedStatus } from './importStatus.ts';
import { matchKeys } from './keyMatching.ts';
import { KeysPageDialogs, type OpenDialog } from './KeysPageDialogs.tsx';
import { KeyWarning } from './KeyWarning.tsx';
import { LocalKeysTable, type LocalKeyAction } from './LocalKeysTable.tsx';
import { PassphraseDialog } from './PassphraseDialog.tsx';
import { useFileDrop } from '../ui/useFileDrop.ts';
import { useKeyData } from './useKeyData.ts';
import { useKeyImport, type ImportReport } from './useKeyImport.ts';
import { Working } from '../ui/Working.tsx';

/**
 * The keys page: this device's keys with their dashboard state, the dashboard's keys that are not
 * here, and generate, import (picker or drop), export, add to the dashboard, copy, delete.
 */
export function KeysPage() {
  const core = useCore();
  const data = useKeyData();
  const [dialog, setDialog] = useState<OpenDialog>();
  const [status, setStatus] = useState<string>();
  const [problem, setProblem] = useState<string>();
  /** Imported keys the gateway refuses: said right after the import, not only in the table. */
  const [refused, setRefused] = useState<KeyInfo[]>([]);
  const [syncing, setSyncing] = useState<ReadonlySet<string>>(new Set());

  const match = matchKeys(data.local, data.dashboard);
  const dashboardKnown = data.dashboard !== undefined;

  const report = (message: string) => {
    setProblem(undefined);
    setRefused([]);
    setStatus(message);
  };
  const fail = (message: string) => {
    setStatus(undefined);
    setRefused([]);
    setProblem(message);
  };

  const afterImport = ({ imported, problems }: ImportReport) => {
    if (imported.length > 0) void data.refresh();
    setStatus(importedStatus(imported));
    setRefused(imported.filter((key) => key.warning));
    setProblem(problems.length > 0 ? problems.join(' ') : undefined);
  };
  const imports = useKeyImport(afterImport);
  const importEntries = (entries: DroppedEntry[]) => {
    // The last action's outcome no longer applies once another starts.
    setStatus(undefined);
    setProblem(undefined);
    setRefused([]);
    imports.importEntries(entries);
  };

  const sync = async (key: KeyInfo) => {
    setSyncing((s) => new Set(s).add(key.id));
    try {
      const result = await core.platform.syncKey(key.id);
      report(
        result.added
          ? `Added ${key.name} to the dashboard as “${result.key.title}”.`
          : `${key.name} was already on the dashboard as “${result.key.title}”.`,
      );
      await data.refresh();
    } catch (e) {
      fail(`Could not add ${key.name} to the dashboard: ${errorMessage(e)}`);
    } finally {
      setSyncing((s) => {
        const next = new Set(s);
        next.delete(key.id);
        return next;
      });
    }
  };

  const copyPublic = (key: KeyInfo) =>
    navigator.clipboard.writeText(key.publicKey).then(
      () => report(`Copied the public key of ${key.name}.`),
      () =>
        fail(
          'The browser refused the clipboard. Allow clipboard access for this page, or export the key instead.',
        ),
    );

  const onAction = (key: KeyInfo, action: LocalKeyAction) => {
    if (action === 'sync') void sync(key);
    else if (action === 'copy') void copyPublic(key);
    else setDialog({ kind: action, key });
  };

  const finished = (message: string) => {
    setDialog(undefined);
    report(message);
    void data.refresh();
  };

  const drop = useFileDrop(importEntries, (e: unknown) =>
    fail(`The dropped file could not be read: ${errorMessage(e)}`),
  );

  return (
    <section
      className={drop.dragging ? 'page keys dragging' : 'page keys'}
      aria-label="Keys"
      {...drop.handlers}
    >
      <div className="page-head">
        <h2>Keys</h2>
        <span className="spacer" />
        <Button className="react-aria-Button primary" onPress={() => setDialog({ kind: 'generate' })}>
          Generate key
        </Button>
        <FileTrigger onSelect={(files) => files && importEntries(pickedEntries(files))}>
          <Button isDisabled={imports.reading !== undefined}>Import key file…</Button>
        </FileTrigger>
        <Button
          aria-label="Reload the key lists"
          onPress={() => void data.refresh()}
          isDisabled={data.loading}
        >
          ↻
        </Button>
      </div>
      <p className="muted">
        Drop a PuTTY <code>.ppk</code> or OpenSSH private key file anywhere on this page to import it. Private
        keys stay encrypted behind your system keychain; only public halves go to the dashboard.
      </p>
      {imports.reading && <Working label={`Importing ${imports.reading}…`} />}
      <div aria-live="polite">
        {status && <p className="status-line">{status}</p>}
        {refused.map((key) => (
          <KeyWarning key={key.id} keyInfo={key} withName />
        ))}
      </div>
      <InlineError message={problem} />

      <h3>On this device</h3>
      <InlineError message={data.localError} />
      <LocalKeysTable
        rows={match.local}
        dashboardKnown={dashboardKnown}
        syncing={syncing}
        loading={data.loading}
        onAction={onAction}
      />

      <h3>On the dashboard, not on this device</h3>
      {data.dashboardError ? (
        <div className="row">
          <InlineError
            message={`The dashboard’s keys could not be read: ${data.dashboardError}${
              // A permission refusal already says what to change; the connection is fine.
              data.dashboardRefused ? '' : ' Check your connection, then try again.'
            }`}
          />
          <Button onPress={() => void data.refresh()} isDisabled={data.loading}>
            Try again
          </Button>
        </div>
      ) : (
        dashboardKnown && (
          <DashboardKeysTable
            keys={match.dashboardOnly}
            onDelete={(key) => setDialog({ kind: 'deleteDashboard', key })}
          />
        )
      )}

      {drop.dragging && (
        <div className="keys-drop-hint" aria-hidden="true">
          Drop the key file to import it
        </div>
      )}
      <KeysPageDialogs
        dialog={dialog}
        match={match}
        dashboardKnown={dashboardKnown}
        dashboardError={data.dashboardError}
        onClose={() => setDialog(undefined)}
        onDone={finished}
      />
      {imports.prompt && (
        <PassphraseDialog
          key={imports.prompt.attempt}
          prompt={imports.prompt}
          onSubmit={imports.submitPassphrase}
          onCancel={imports.cancelPassphrase}
        />
      )}
    </section>
  );
}
