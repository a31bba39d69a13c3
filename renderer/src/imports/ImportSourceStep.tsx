import { useState } from 'react';
import { Button, FileTrigger, Form, Label, Radio, RadioGroup, Text } from 'react-aria-components';
import type { ImportSource } from '../../../shared/src/imports.ts';
import { pickedEntries, type DroppedEntry } from '../host/droppedEntries.ts';
import { Field, InlineError } from '../ui/fields.tsx';

type Choice = 'regFile' | 'putty' | 'sshConfig';

// The page runs on the core's computer (the desktop app, or the browser host on 127.0.0.1), so its
// OS is the core's: PuTTY keeps sessions in the registry on Windows, in ~/.putty/sessions elsewhere.
const onWindows = () => navigator.userAgent.includes('Windows');

/** Where to import from: a .reg export (picked, or its path typed), PuTTY on this computer, or an ssh config. */
export function ImportSourceStep(props: {
  busy: boolean;
  error: string | undefined;
  onPreview: (source: ImportSource) => void;
  onPicked: (entry: DroppedEntry) => void;
  onClose: () => void;
}) {
  const [choice, setChoice] = useState<Choice>('regFile');
  const [path, setPath] = useState('');
  const source = (): ImportSource | undefined => {
    const typed = path.trim();
    if (choice === 'regFile') return typed ? { kind: 'regFile', path: typed } : undefined;
    if (choice === 'sshConfig') return typed ? { kind: 'sshConfig', path: typed } : { kind: 'sshConfig' };
    if (onWindows()) return { kind: 'windowsRegistry' };
    return typed ? { kind: 'puttySessions', folder: typed } : { kind: 'puttySessions' };
  };
  const ready = source();
  const pathLabel =
    choice === 'regFile'
      ? 'Path of the .reg file'
      : choice === 'sshConfig'
        ? 'ssh config file'
        : 'PuTTY sessions folder';
  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) props.onPreview(ready);
      }}
    >
      <RadioGroup value={choice} onChange={(value) => setChoice(value as Choice)} className="choices">
        <Label>Import from</Label>
        <Radio value="regFile" className="choice">
          <strong>PuTTY or KiTTY sessions exported from the registry (.reg)</strong>
          <Text slot="description">
            On Windows: <code>reg export HKCU\Software\SimonTatham\PuTTY\Sessions putty.reg</code>, or
            regedit’s File → Export of that key.
          </Text>
        </Radio>
        <Radio value="putty" className="choice">
          <strong>PuTTY sessions saved on this computer</strong>
          <Text slot="description">
            {onWindows()
              ? 'Read from the Windows registry (PuTTY and KiTTY).'
              : 'Read from ~/.putty/sessions.'}
          </Text>
        </Radio>
        <Radio value="sshConfig" className="choice">
          <strong>Hosts in an ssh config</strong>
          <Text slot="description">~/.ssh/config unless you name another file.</Text>
        </Radio>
      </RadioGroup>
      {!(choice === 'putty' && onWindows()) && (
        <Field
          label={pathLabel}
          value={path}
          onChange={setPath}
          placeholder={choice === 'regFile' ? 'C:\\Users\\you\\putty.reg' : 'the usual place'}
        />
      )}
      {choice === 'regFile' && (
        <FileTrigger
          acceptedFileTypes={['.reg']}
          onSelect={(files) => {
            const entry = files ? pickedEntries(files)[0] : undefined;
            if (entry) props.onPicked(entry);
          }}
        >
          <Button isDisabled={props.busy}>Choose .reg file…</Button>
        </FileTrigger>
      )}
      <InlineError message={props.error} />
      <div className="row end">
        <Button onPress={props.onClose}>Cancel</Button>
        <Button type="submit" className="react-aria-Button primary" isDisabled={props.busy || !ready}>
          {props.busy ? 'Reading…' : 'Show what would be imported'}
        </Button>
      </div>
    </Form>
  );
}
