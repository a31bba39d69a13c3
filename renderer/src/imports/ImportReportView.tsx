import { Button } from 'react-aria-components';
import type { ImportReport } from '../../../shared/src/imports.ts';

const KIND: Record<string, string> = {
  host: 'Host',
  shortcut: 'Node shortcut',
  key: 'Key',
  session: 'Session',
};

/** What was imported, and what was not and why. */
export function ImportReportView(props: { report: ImportReport; onClose: () => void }) {
  const { imported, notImported } = props.report;
  return (
    <div className="import-report" aria-live="polite">
      <p className="muted">From {props.report.from}.</p>
      <h3>{imported.length ? `Imported (${imported.length})` : 'Nothing was imported'}</h3>
      <ul>
        {imported.map((item) => (
          <li key={`${item.kind}:${item.id}`}>
            {KIND[item.kind]} <strong>{item.name}</strong>
            {item.notes.length > 0 && (
              <ul className="muted import-notes">
                {item.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {notImported.length > 0 && <h3>Not imported ({notImported.length})</h3>}
      <ul>
        {notImported.map((item) => (
          <li key={`${item.kind}:${item.name}`}>
            {KIND[item.kind]} <strong>{item.name}</strong>: {item.reason}
          </li>
        ))}
      </ul>
      <div className="row end">
        <Button className="react-aria-Button primary" onPress={props.onClose} autoFocus>
          Done
        </Button>
      </div>
    </div>
  );
}
