import { useEffect, useRef, useState } from 'react';
import { gzipOfPath, withCompression } from './exportPath.ts';
import { Button, Checkbox, Form } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { DatabaseCredentials, SqlProgress, SqlResult } from '../../../shared/src/databases.ts';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { useSuggestedFile } from '../files/localFolder.ts';
import { DestinationField } from '../folders/DestinationField.tsx';
import { folderOf } from '../folders/destinationPath.ts';
import { rememberFolder } from '../folders/useDestinationPicker.tsx';
import { useCore, useCoreEvent, useHost } from '../host/HostContext.tsx';
import { formatBytes } from '../transfers/format.ts';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { DumpChoice } from './DumpChoice.tsx';
import { SqlProgressBar } from './SqlProgressBar.tsx';

export interface SqlTarget {
  target: ConnectionTarget;
  nodeId: number;
  nodeType: string;
}

/** The keychain entry a node's database credentials are kept under (the SQL client dialog reads it too). */
export const credentialsKey = (sql: Pick<SqlTarget, 'target' | 'nodeId'>) =>
  `${sql.target.gateway.host}:${sql.target.gateway.port}/${sql.nodeId}`;

/**
 * Import a `.sql` / `.sql.gz` into a database node, or export one: database and credentials
 * (remembered in the keychain), progress, then the result — the duration, or the server's error with
 * its line. The dump is streamed by the core; the page passes only its path.
 */
export function SqlDialog(props: {
  mode: 'import' | 'export';
  sql: SqlTarget;
  /** For imports: the dropped or picked dump. */
  dump?: DroppedEntry | undefined;
  /** Offered when nothing is remembered for this node (the sandbox's demo database). */
  prefill?: DatabaseCredentials | undefined;
  onClose: () => void;
}) {
  const core = useCore();
  const host = useHost();
  const { sql } = props;
  const [credentials, setCredentials] = useState<DatabaseCredentials>(
    props.prefill ?? { database: '', user: '', password: '' },
  );
  const [remember, setRemember] = useState(true);
  const [dump, setDump] = useState(props.dump);
  const [gzip, setGzip] = useState(true);
  // Named after the database, in the Downloads folder, until the user types a path of their own.
  const exportName = `${credentials.database.replace(/[\\/:*?"<>|]/g, '_') || 'database'}.sql${gzip ? '.gz' : ''}`;
  const exportFile = useSuggestedFile(exportName, 'sqlExport');
  const [progress, setProgress] = useState<SqlProgress>();
  const [result, setResult] = useState<SqlResult>();
  const { busy, error, run } = useAction();
  const [controller, setController] = useState<AbortController>();

  // The keychain may answer after the user has begun typing: what they typed wins.
  const typed = useRef(false);
  const edit = (change: Partial<DatabaseCredentials>) => {
    typed.current = true;
    setCredentials((c) => ({ ...c, ...change }));
  };
  useEffect(() => {
    core.databases.savedCredentials(credentialsKey(sql)).then(
      (saved) => saved && !typed.current && setCredentials(saved),
      () => undefined,
    );
  }, [core, sql]);
  useCoreEvent(core.databases.events, 'progress', setProgress);

  const importOrExport = async () => {
    setResult(undefined);
    const abort = new AbortController();
    setController(abort);
    let release: () => void = () => undefined;
    try {
      if (remember) await core.databases.saveCredentials(credentialsKey(sql), credentials);
      if (props.mode === 'import') {
        if (!dump) throw new Error('Choose a .sql or .sql.gz file.');
        const local = await host.localPaths([dump]);
        release = local.release;
        const file = local.paths[0] ?? '';
        setResult(
          await core.databases.importSql(
            { target: sql.target, nodeType: sql.nodeType, file, credentials },
            { signal: abort.signal },
          ),
        );
      } else {
        const file = exportFile.path.trim();
        setResult(
          await core.databases.exportSql(
            { target: sql.target, nodeType: sql.nodeType, file, gzip, credentials },
            { signal: abort.signal },
          ),
        );
        await rememberFolder(core, 'sqlExport', folderOf(file, exportFile.folder?.separator ?? '/'));
      }
    } finally {
      release();
      setController(undefined);
    }
  };

  const title =
    props.mode === 'import'
      ? `Import ${dump?.name ?? 'SQL'} into node ${sql.nodeId}`
      : `Export SQL from node ${sql.nodeId}`;
  return (
    <ModalDialog title={title} busy={busy} onClose={props.onClose}>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          void run(importOrExport);
        }}
      >
        {props.mode === 'import' && <DumpChoice dump={dump} onChange={setDump} busy={busy} />}
        <Field
          label="Database"
          value={credentials.database}
          onChange={(database) => edit({ database })}
          isRequired
        />
        <div className="row">
          <Field
            label="User"
            value={credentials.user}
            onChange={(user) => edit({ user })}
            isRequired
            autoComplete="off"
          />
          <Field
            label="Password"
            type="password"
            value={credentials.password}
            onChange={(password) => edit({ password })}
            autoComplete="off"
          />
        </div>
        {props.mode === 'export' && (
          <>
            <DestinationField
              kind="sqlExport"
              label="Save to (a file on this computer)"
              value={exportFile.path}
              onChange={(path) => {
                exportFile.setPath(path);
                const compressed = gzipOfPath(path);
                if (compressed !== undefined) setGzip(compressed);
              }}
              onChosen={(chosen) => exportFile.moveTo({ dir: chosen.path, separator: chosen.separator })}
              isRequired
              isDisabled={busy}
              placeholder={exportFile.placeholder}
            />
            <Checkbox
              isSelected={gzip}
              onChange={(compressed) => {
                setGzip(compressed);
                // A name the user typed keeps matching (the suggested one follows by itself).
                if (exportFile.typed) exportFile.setPath(withCompression(exportFile.path, compressed));
              }}
              className="checkbox"
            >
              <div className="box" aria-hidden="true" /> Compress (gzip)
            </Checkbox>
          </>
        )}
        <Checkbox isSelected={remember} onChange={setRemember} className="checkbox">
          <div className="box" aria-hidden="true" /> Remember these credentials (in the system keychain)
        </Checkbox>
        {busy && <SqlProgressBar mode={props.mode} progress={progress} />}
        {result && (
          <p role="status" className="success">
            {props.mode === 'import' ? 'Imported' : 'Exported'} {formatBytes(result.bytes)} in{' '}
            {(result.durationMs / 1000).toFixed(1)} s.
          </p>
        )}
        <InlineError message={error} />
        <div className="row end">
          {busy ? (
            <Button onPress={() => controller?.abort()}>Cancel</Button>
          ) : (
            <Button onPress={props.onClose}>{result ? 'Close' : 'Cancel'}</Button>
          )}
          {!result && (
            <Button type="submit" className="react-aria-Button primary" isDisabled={busy}>
              {props.mode === 'import' ? 'Import' : 'Export'}
            </Button>
          )}
        </div>
      </Form>
    </ModalDialog>
  );
}
