import { Button, ProgressBar } from 'react-aria-components';
import type { TransferJob } from '../../../shared/src/transfers.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { formatBytes, formatEta, formatRate } from './format.ts';
import { useTransfers, useTransfersStore } from './TransfersContext.tsx';
import type { TransferView } from './TransfersStore.ts';

const baseName = (path: string) =>
  path
    .replace(/[/\\]+$/, '')
    .split(/[/\\]/)
    .pop() ?? path;

const STATE_WORDS: Record<TransferJob['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  skipped: 'Skipped',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Every transfer: progress, rate, time left, state; cancel, retry (resuming its partial file). */
export function TransfersPanel(props: { onClose: () => void }) {
  const { jobs } = useTransfers();
  const store = useTransfersStore();
  return (
    <section className="transfers-panel" aria-label="Transfers list">
      <header className="transfers-head">
        <h2>Transfers</h2>
        <span className="spacer" />
        <Button onPress={() => void store.clearFinished()}>Clear finished</Button>
        <Button aria-label="Hide transfers" onPress={props.onClose}>
          ×
        </Button>
      </header>
      {jobs.length === 0 && <p className="muted">No transfers yet: drop files on a node’s file pane.</p>}
      <ul className="transfer-rows">
        {[...jobs].reverse().map((view) => (
          <TransferRow key={view.job.id} view={view} />
        ))}
      </ul>
    </section>
  );
}

function TransferRow({ view }: { view: TransferView }) {
  const core = useCore();
  const notifier = useNotifier();
  const { job, progress } = view;
  const name = baseName(job.direction === 'upload' ? job.localPath : job.remotePath);
  // "Keep both" gave the copy another name at its destination: say which.
  const savedAs = baseName(job.direction === 'upload' ? job.remotePath : job.localPath);
  // Progress events are throttled: once a job has settled, its own figures are the final ones.
  const live = job.state === 'running' && progress !== undefined;
  const bytes = live ? progress.bytes : job.bytes;
  const total = live ? progress.total : job.total;
  const running = job.state === 'running' || job.state === 'queued';
  const act = (what: string, call: () => Promise<unknown>) =>
    call().catch((e: unknown) => notifier.error(`Could not ${what} ${name}`, errorMessage(e)));
  const arrow = job.direction === 'upload' ? '↑' : '↓';
  return (
    <li
      className={`transfer-row state-${job.state}`}
      aria-label={`${job.direction === 'upload' ? 'Upload' : 'Download'} ${name}, ${STATE_WORDS[job.state]}`}
    >
      <div className="transfer-main">
        <span className="transfer-name" title={`${job.localPath} ⇄ ${job.remotePath}`}>
          {arrow} {name}
          {savedAs !== name ? ` → ${savedAs}` : ''}
          {job.kind === 'folder' && job.files ? ` (${job.files.finished}/${job.files.total} files)` : ''}
        </span>
        <ProgressBar
          aria-label={`Progress of ${name}`}
          value={total > 0 ? bytes : job.state === 'done' ? 1 : 0}
          maxValue={total > 0 ? total : 1}
          className="progress"
        >
          <div className="bar">
            <div
              className="fill"
              style={{ width: `${total > 0 ? (100 * bytes) / total : job.state === 'done' ? 100 : 0}%` }}
            />
          </div>
        </ProgressBar>
        <span className="transfer-figures muted">
          {formatBytes(bytes)} of {formatBytes(total)}
          {job.state === 'running' && progress
            ? ` · ${formatRate(progress.rate)} · ${formatEta(progress.eta)} left`
            : ''}
          {job.resumedFrom > 0 ? ` · resumed at ${formatBytes(job.resumedFrom)}` : ''}
          {job.state === 'cancelled' && job.kind === 'file' && bytes > 0 ? ' · kept for Resume' : ''}
        </span>
        {/* A cancel is the user's own doing: its figures say what is kept, no error to show. */}
        {job.error && job.state !== 'cancelled' && <span className="inline-error">{job.error}</span>}
        {job.skipped && job.skipped.length > 0 && (
          // Names left out (no legal local meaning, or the upload skip list): escaped, never raw controls.
          <span
            className="transfer-note"
            title={job.skipped.map((s) => `${JSON.stringify(s.name)}: ${s.reason}`).join('\n')}
          >
            {job.skipped.length} {job.skipped.length === 1 ? 'name' : 'names'} skipped
          </span>
        )}
        {job.renamed && job.renamed.length > 0 && (
          // Names this computer's disk cannot hold as they are ("a:b" on Windows, "README"/"readme").
          <span
            className="transfer-note"
            title={job.renamed
              .map((r) => `${JSON.stringify(r.name)} saved as ${JSON.stringify(r.savedAs)}: ${r.reason}`)
              .join('\n')}
          >
            {job.renamed.length === 1 && job.renamed[0]
              ? `saved as ${JSON.stringify(job.renamed[0].savedAs)}`
              : `${job.renamed.length} saved under another name`}
          </span>
        )}
      </div>
      <span className="transfer-state">{STATE_WORDS[job.state]}</span>
      {running && (
        <Button
          aria-label={`Cancel ${name}`}
          onPress={() => void act('cancel', () => core.transfers.cancel(job.id))}
        >
          Cancel
        </Button>
      )}
      {(job.state === 'failed' || job.state === 'cancelled') && (
        <Button
          aria-label={`Resume ${name}`}
          onPress={() => void act('resume', () => core.transfers.retry(job.id))}
        >
          {job.bytes > 0 ? 'Resume' : 'Retry'}
        </Button>
      )}
    </li>
  );
}

/** The status bar's summary; pressing it shows the panel. */
export function TransfersStatus(props: { onToggle: () => void; open: boolean }) {
  const { active, jobs } = useTransfers();
  const percent = active.total > 0 ? Math.floor((100 * active.bytes) / active.total) : 0;
  return (
    <Button className="react-aria-Button status-button" onPress={props.onToggle} aria-expanded={props.open}>
      Transfers
      <span className="muted">
        {active.count > 0
          ? ` · ${active.count} active · ${percent}% · ${formatRate(active.rate)}`
          : jobs.length > 0
            ? ` · ${jobs.length} finished`
            : ''}
      </span>
    </Button>
  );
}
