import { ProgressBar } from 'react-aria-components';
import { formatBytes } from '../transfers/format.ts';
import type { Staging } from './useUploadDrop.ts';

/**
 * The dropped files being handed to the host (a browser streams them there first), shown until
 * their transfers appear in the Transfers panel.
 */
export function StagingProgress({ staging }: { staging: Staging }) {
  return (
    <ProgressBar
      aria-label="Reading the dropped files"
      className="progress staging-progress"
      value={staging.staged}
      maxValue={Math.max(1, staging.total)}
    >
      <span className="muted">
        Reading the dropped files: {formatBytes(staging.staged)} of {formatBytes(staging.total)}
      </span>
      <div className="bar">
        <div
          className="fill"
          style={{ width: `${staging.total > 0 ? (100 * staging.staged) / staging.total : 100}%` }}
        />
      </div>
    </ProgressBar>
  );
}
