import { ProgressBar } from 'react-aria-components';
import type { SqlProgress } from '../../../shared/src/databases.ts';
import { formatBytes, formatRate } from '../transfers/format.ts';

/** Bytes of the dump streamed so far; indeterminate until the core knows the size (gzip, exports). */
export function SqlProgressBar(props: { mode: 'import' | 'export'; progress: SqlProgress | undefined }) {
  const { progress } = props;
  const known = progress !== undefined && progress.total > 0;
  return (
    <ProgressBar
      aria-label={props.mode === 'import' ? 'Import progress' : 'Export progress'}
      value={known ? progress.bytes : undefined}
      maxValue={known ? progress.total : 1}
      isIndeterminate={!known}
      className="progress"
    >
      <span>
        {progress
          ? `${formatBytes(progress.bytes)}${progress.total ? ` of ${formatBytes(progress.total)}` : ''} · ${formatRate(progress.rate)}`
          : 'Starting…'}
      </span>
      <div className="bar">
        <div
          className={known ? 'fill' : 'fill indeterminate'}
          style={known ? { width: `${(100 * progress.bytes) / progress.total}%` } : undefined}
        />
      </div>
    </ProgressBar>
  );
}
