import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import type { RsaBits } from '../../../shared/src/keys.ts';

const SIZES: RsaBits[] = [4096, 3072, 2048];

/** The RSA size of a new key, 4096 recommended: on the first-run screen and on the Keys page. */
export function KeySizeSelect(props: {
  value: RsaBits;
  onChange: (bits: RsaBits) => void;
  isDisabled?: boolean;
}) {
  return (
    <Select
      selectedKey={props.value}
      onSelectionChange={(k) => props.onChange(Number(k) as RsaBits)}
      className="field"
      isDisabled={props.isDisabled ?? false}
    >
      <Label>RSA key size</Label>
      <Button className="react-aria-Button select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover>
        <ListBox>
          {SIZES.map((size) => (
            <ListBoxItem key={size} id={size} textValue={`${size} bits`}>
              {size} bits{size === 4096 ? ' (recommended)' : ''}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
