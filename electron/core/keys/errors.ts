import { KeychainUnavailable } from '../../../shared/src/errors.ts';

/*
 * The KeyVault's errors: typed, with a stable `code` for the RPC and a message that says what to do.
 * `KeychainUnavailable` is the contract's own; the rest are particular to keys.
 */

export {
  KeychainUnavailable,
  KeyAlreadyInVault,
  KeyFileCorrupt,
  KeyNotFound,
  PassphraseRequired,
  SecretTooLarge,
  UnsupportedKey,
  VaultDataLost,
  WrongPassphrase,
} from '../../../shared/src/errors.ts';

/** The keychain cannot be reached, is locked, or refused: the message says what to install or unlock. */
export function keychainUnavailable(detail: string): KeychainUnavailable {
  return new KeychainUnavailable(
    `The system keychain is not available (${detail}). Enscale SSH keeps key secrets only there. ` +
      keychainAdvice(process.platform),
    { detail },
  );
}

function keychainAdvice(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock the login keychain (Keychain Access) and try again.';
    case 'win32':
      return 'Make sure the Credential Manager service is running and try again.';
    default:
      return (
        'Install gnome-keyring (or another Secret Service such as KeePassXC), ' +
        'start a Secret Service in your session and unlock it, then try again.'
      );
  }
}
