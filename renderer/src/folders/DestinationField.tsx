import { useState, type ReactNode } from 'react';
import { Button } from 'react-aria-components';
import type { FolderKind } from '../../../shared/src/settings.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { Field, InlineError } from '../ui/fields.tsx';
import { useDestinationPicker, type ChosenFolder } from './useDestinationPicker.tsx';

/**
 * Where something is saved on this computer: a path field (to type or paste into) and "Choose…",
 * which opens a folder chooser (the OS's on the desktop, the page's in a browser) near what the field
 * holds and hands the folder chosen to `onChosen` (a folder field takes it as it is; a file field
 * keeps its file name in the new folder).
 */
export function DestinationField(props: {
  kind: FolderKind;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onChosen: (folder: ChosenFolder) => void;
  description?: ReactNode;
  placeholder?: string;
  isDisabled?: boolean;
  isRequired?: boolean;
  validate?: (value: string) => string | null | undefined;
  autoFocus?: boolean;
}) {
  const picker = useDestinationPicker(props.kind);
  const [error, setError] = useState<string>();
  const { value } = props;

  const pick = async () => {
    setError(undefined);
    try {
      const chosen = await picker.choose(value || props.placeholder);
      if (chosen) props.onChosen(chosen);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="destination">
      <div className="destination-row">
        <Field
          label={props.label}
          value={value}
          onChange={props.onChange}
          description={props.description}
          placeholder={props.placeholder}
          isDisabled={props.isDisabled ?? false}
          isRequired={props.isRequired ?? false}
          autoFocus={props.autoFocus ?? false}
          {...(props.validate ? { validate: props.validate } : {})}
        />
        <Button onPress={() => void pick()} isDisabled={props.isDisabled ?? false}>
          Choose…
        </Button>
      </div>
      <InlineError message={error} />
      {picker.chooser}
    </div>
  );
}
