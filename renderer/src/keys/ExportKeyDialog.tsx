import { useEffect, useState } from 'react';
import { Button, Form, Label, Radio, RadioGroup, Text } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { DestinationField } from '../folders/DestinationField.tsx';
import { fileNameOf, folderOf, inFolderPath } from '../folders/destinationPath.ts';
import { rememberFolder, type ChosenFolder } from '../folders/useDestinationPicker.tsx';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { isAbsolutePath, suggestedPath, type ExportFormat } from './exportPath.ts';
import { KeyDialog } from './KeyDialog.tsx';
import { Working } from '../ui/Working.tsx';

const FORMAT_WORDS: Record<ExportFormat, string> = { ppk: 'PuTTY .ppk', openssh: 'OpenSSH' };

/**
 * Writes a key's private half to a file the user names, in PuTTY's or OpenSSH's format, with an
 * optional passphrase. The core writes the file; the key never passes through this page.
 */
export function ExportKeyDialog(props: {
  keyInfo: KeyInfo;
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { keyInfo } = props;
  const [format, setFormat] = useState<ExportFormat>('ppk');
  const [folder, setFolder] = useState<{ dir: string; separator: '/' | '\\' }>();
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  // Stays busy once written: `onDone` closes the dialog.
  const { busy, error, run } = useAction({
    keepBusyOnSuccess: true,
    failureHint: 'Check that the folder exists and that you may write there.',
  });

  const suggestion = (f: ExportFormat) =>
    folder ? suggestedPath(folder.dir, folder.separator, keyInfo.name, f) : '';

  useEffect(() => {
    let live = true;
    // The last folder a key was exported to, else Downloads.
    core.localFolders.start('keyExport').then(
      (start) => {
        if (!live) return;
        setFolder({ dir: start.path, separator: start.separator });
        // Prefilled unless the user has typed already.
        setPath((typed) => typed || suggestedPath(start.path, start.separator, keyInfo.name, 'ppk'));
      },
      () => undefined, // No suggestion then: the field says to type a full path.
    );
    return () => {
      live = false;
    };
  }, [core, keyInfo.name]);

  /** A folder chosen with "Choose…": the suggestion moves there, a typed path keeps its name. */
  const moveTo = (chosen: ChosenFolder) => {
    const name = path === suggestion(format) ? '' : fileNameOf(path, chosen.separator);
    setFolder({ dir: chosen.path, separator: chosen.separator });
    setPath(
      name
        ? inFolderPath(chosen.path, name, chosen.separator)
        : suggestedPath(chosen.path, chosen.separator, keyInfo.name, format),
    );
  };

  const changeFormat = (next: ExportFormat) => {
    // The suggested name follows the format; a path the user typed is left alone.
    if (path === suggestion(format)) setPath(suggestion(next));
    setFormat(next);
  };

  const pathProblem =
    path.trim() && !isAbsolutePath(path.trim())
      ? 'Give the full path (from / or a drive letter): a relative one would land wherever the app runs.'
      : undefined;
  const repeatProblem = passphrase && repeat !== passphrase ? 'The two passphrases differ.' : undefined;

  const save = () =>
    run(async () => {
      const target = path.trim();
      await core.keys.exportPrivateToFile(keyInfo.id, {
        format,
        path: target,
        ...(passphrase ? { passphrase } : {}),
      });
      await rememberFolder(core, 'keyExport', folderOf(target, folder?.separator ?? '/'));
      props.onDone(
        `Exported ${keyInfo.name} to ${target} (${FORMAT_WORDS[format]}${passphrase ? ', with a passphrase' : ''}).`,
      );
    });

  return (
    <KeyDialog title={`Export the private key ${keyInfo.name}`} busy={busy} onClose={props.onClose}>
      <Form
        className="dialog-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          if (!pathProblem && !repeatProblem && path.trim()) void save();
        }}
      >
        <p className="notice">
          Anyone who has this file can sign in as you. Protect it with a passphrase, or keep it somewhere only
          you can read.
        </p>
        <RadioGroup
          value={format}
          onChange={(f) => changeFormat(f as ExportFormat)}
          className="choices"
          isDisabled={busy}
        >
          <Label>Format</Label>
          <Radio value="ppk" className="choice">
            PuTTY (.ppk)
            <Text slot="description">PuTTY, WinSCP, FileZilla; PPK version 3.</Text>
          </Radio>
          <Radio value="openssh" className="choice">
            OpenSSH
            <Text slot="description">ssh, scp, VS Code, Git and most other tools.</Text>
          </Radio>
        </RadioGroup>
        <DestinationField
          kind="keyExport"
          label="Save as"
          value={path}
          onChange={setPath}
          onChosen={moveTo}
          isRequired
          isDisabled={busy}
          validate={() => pathProblem ?? null}
          description="A full path on this computer. A file already there is replaced."
        />
        <div className="row">
          <Field
            label="Passphrase (optional)"
            type="password"
            value={passphrase}
            onChange={setPassphrase}
            isDisabled={busy}
          />
          <Field
            label="Repeat the passphrase"
            type="password"
            value={repeat}
            onChange={setRepeat}
            isDisabled={busy || !passphrase}
            validate={() => (repeat.length > 0 ? (repeatProblem ?? null) : null)}
          />
        </div>
        {busy && <Working label={`Writing ${FORMAT_WORDS[format]} file…`} />}
        <InlineError message={error} />
        <div className="row end">
          <Button onPress={props.onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            className="react-aria-Button primary"
            isDisabled={busy || !path.trim() || pathProblem !== undefined || repeatProblem !== undefined}
          >
            Export
          </Button>
        </div>
      </Form>
    </KeyDialog>
  );
}
