import { useEffect, useState } from 'react';
import { Button, Switch } from 'react-aria-components';
import type { AppSettings, SettingsChange } from '../../../shared/src/settings.ts';
import { DestinationField } from '../folders/DestinationField.tsx';
import { useCore } from '../host/HostContext.tsx';
import { errorMessage } from '../ui/errorMessage.ts';
import { InlineError } from '../ui/fields.tsx';
import { useSaving } from './useAppSettings.ts';

/**
 * Session logs: whether new terminal tabs write one, the folder (a full path, checked by the core;
 * empty for `session-logs` in the data folder), plain text or the raw stream. The core's settings,
 * so every window and the command line log alike. A tab's own menu starts and stops its log.
 */
export function SessionLogSection(props: {
  settings: AppSettings;
  update: (change: SettingsChange) => Promise<AppSettings>;
}) {
  const core = useCore();
  const { saved, error, save } = useSaving(props.update);
  const { logSessions, logFolder, logRaw } = props.settings.terminal;
  const [draft, setDraft] = useState(logFolder);
  useEffect(() => setDraft(logFolder), [logFolder]);
  /**
   * Where logs go now: the folder from the setting, or the default one. Asked again whenever the
   * settings change, the core's confirmation included: asked on the change shown at once, the core
   * may still answer with the folder before it.
   */
  const [folder, setFolder] = useState<string>();
  const [openError, setOpenError] = useState<string>();
  useEffect(() => {
    let current = true;
    core.terminals.logFolder().then(
      ({ path }) => current && setFolder(path),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [core, props.settings]);

  const commit = (chosen?: string) => {
    const value = (chosen ?? draft).trim();
    if (value === logFolder) return;
    save(
      { terminal: { logFolder: value } },
      value ? `session logs go to ${value}` : 'session logs go to the data folder',
    );
  };
  const openFolder = () => {
    setOpenError(undefined);
    core.terminals.openLogFolder().catch((e: unknown) => setOpenError(errorMessage(e)));
  };

  return (
    <section className="settings-section" aria-labelledby="settings-session-logs">
      <h3 id="settings-session-logs">Session logs</h3>
      <Switch
        isSelected={logSessions}
        onChange={(on) =>
          save(
            { terminal: { logSessions: on } },
            on ? 'new terminal tabs are logged' : 'new terminal tabs are not logged',
          )
        }
      >
        <div className="indicator" /> Log terminal sessions to files
      </Switch>
      {/* Typed: saved when the field is left or on Enter; chosen: saved at once. */}
      <div onBlur={() => commit()} onKeyDown={(event) => event.key === 'Enter' && commit()}>
        <DestinationField
          kind="sessionLogs"
          label="Session log folder"
          value={draft}
          onChange={setDraft}
          onChosen={({ path }) => {
            setDraft(path);
            commit(path);
          }}
          placeholder={logFolder === '' && folder ? folder : 'session-logs in the app’s data folder'}
          description={
            <>
              A full path; empty for <code>session-logs</code> in the app’s data folder. One file per tab,
              named after the environment, the node and the time it started, such as{' '}
              <code>shop-518839-2026-05-01_14-03-22.log</code>.
            </>
          }
        />
      </div>
      <Switch
        isSelected={logRaw}
        onChange={(raw) =>
          save({ terminal: { logRaw: raw } }, raw ? 'logs keep escape sequences' : 'logs are plain text')
        }
      >
        <div className="indicator" /> Keep escape sequences (the raw stream, for <code>less -R</code>)
      </Switch>
      <p className="muted">
        A log holds what the node prints, never what you type: a password typed at a prompt that does not show
        it is not written. Without escape sequences a log is plain text, with colours and titles removed.
      </p>
      <div className="row">
        <span className="muted">{folder && `Logs go to ${folder}`}</span>
        <Button onPress={openFolder}>Open log folder</Button>
      </div>
      <div aria-live="polite">{saved && <p className="saved">{saved}</p>}</div>
      <InlineError message={error ?? openError} />
    </section>
  );
}
