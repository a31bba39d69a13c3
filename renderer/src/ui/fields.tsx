import type { ReactNode } from 'react';
import { FieldError, Input, Label, Text, TextField, type TextFieldProps } from 'react-aria-components';

/** A labelled text field with its description and validation message in one place. */
export function Field(
  props: TextFieldProps & { label: string; description?: ReactNode; placeholder?: string },
) {
  const { label, description, placeholder, ...rest } = props;
  return (
    <TextField {...rest} className="field">
      <Label>{label}</Label>
      <Input placeholder={placeholder} />
      {description && <Text slot="description">{description}</Text>}
      <FieldError />
    </TextField>
  );
}

/** An error next to the action that failed, read out as it appears. */
export function InlineError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="inline-error" role="alert">
      {message}
    </p>
  );
}
