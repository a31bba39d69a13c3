import { ProgressBar } from 'react-aria-components';

/** An indeterminate progress bar with its sentence: for work whose length nobody knows (key maths). */
export function Working({ label }: { label: string }) {
  return (
    <ProgressBar isIndeterminate aria-label={label} className="progress">
      <span>{label}</span>
      <div className="bar">
        <div className="fill indeterminate" />
      </div>
    </ProgressBar>
  );
}
