import { Button, FileTrigger } from 'react-aria-components';
import { pickedEntries, type DroppedEntry } from '../host/droppedEntries.ts';

/** The dump an import reads: the dropped one, or one picked here. */
export function DumpChoice(props: {
  dump: DroppedEntry | undefined;
  onChange: (dump: DroppedEntry) => void;
  busy: boolean;
}) {
  const { dump } = props;
  return (
    <div className="row file-choice">
      <span>{dump ? <code>{dump.name}</code> : <span className="muted">No file chosen</span>}</span>
      <FileTrigger
        acceptedFileTypes={['.sql', '.gz', 'application/sql', 'application/gzip']}
        onSelect={(files) => {
          const [picked] = files ? pickedEntries(files) : [];
          if (picked) props.onChange(picked);
        }}
      >
        <Button isDisabled={props.busy}>{dump ? 'Choose another file' : 'Choose file'}</Button>
      </FileTrigger>
    </div>
  );
}
