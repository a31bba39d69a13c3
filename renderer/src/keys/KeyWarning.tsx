import type { KeyInfo } from '../../../shared/src/keys.ts';

/**
 * The core's word that the platform's gateway refuses this key's type: the key stays usable for
 * other servers, but must not look like one that signs in to the gateway. In a table row it is a
 * short mark with the whole reason on hover (`compact`); elsewhere the whole sentence.
 */
export function KeyWarning(props: { keyInfo: KeyInfo; withName?: boolean; compact?: boolean }) {
  const { keyInfo } = props;
  if (!keyInfo.warning) return null;
  if (props.compact)
    return (
      <p className="notice key-warning" role="note" title={keyInfo.warning}>
        Not for the gateway
      </p>
    );
  return (
    <p className="notice key-warning" role="note">
      {props.withName ? `${keyInfo.name}: ${keyInfo.warning}` : keyInfo.warning}
    </p>
  );
}
