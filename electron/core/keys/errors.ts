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

/** The keychain cannot be reached or is locked: the message says what to install or unlock. */
export function keychainUnavailable(
  detail: string,
  platform: NodeJS.Platform = process.platform,
): KeychainUnavailable {
  return new KeychainUnavailable(
    `The system keychain is not available (${detail}). Enscale SSH keeps key secrets only there. ` +
      keychainAdvice(platform),
    { detail },
  );
}

/**
 * The user answered the keychain's own prompt with Deny (or Cancel). Unlocking would not help, so the
 * advice is to allow it; `reason: 'denied'` lets a UI tell the two apart without reading the text.
 */
export function keychainDenied(
  detail: string,
  platform: NodeJS.Platform = process.platform,
): KeychainUnavailable {
  return new KeychainUnavailable(
    `Access to the system keychain was denied (${detail}). Enscale SSH keeps key secrets only there; ` +
      deniedAdvice(platform),
    { detail, reason: 'denied' },
  );
}

/*
 * macOS's errSecUserCanceled (-128): Deny or Cancel in "Enscale SSH wants to use your confidential
 * information stored in … in your keychain". keytar_mac.cc rejects with the Security framework's own
 * text for the status (SecCopyErrorMessageString), "User canceled the operation.", with no code. When
 * that text cannot be copied out, keytar says "An unknown error occurred." instead, which is not
 * taken for Deny: nothing in it says so.
 */
const DENIED = [/\buser canceled the operation\b/i, /\berrSecUserCanceled\b/];

/** Whether a keychain error's text is the user's Deny rather than a missing or locked keychain. */
export function isKeychainDenial(message: string): boolean {
  return DENIED.some((pattern) => pattern.test(message));
}

/** keytar's failure while doing `what`, as the error the app reports: Deny as Deny, the rest as unavailable. */
export function keychainFailure(
  what: string,
  error: unknown,
  platform: NodeJS.Platform = process.platform,
): KeychainUnavailable {
  const message = error instanceof Error ? error.message : String(error);
  const detail = `could not ${what}: ${message}`;
  return isKeychainDenial(message) ? keychainDenied(detail, platform) : keychainUnavailable(detail, platform);
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

function deniedAdvice(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return (
        'allow it: try again and choose Always Allow when macOS asks. If macOS no longer asks, open ' +
        'Keychain Access, find the "Enscale SSH" items, and add Enscale SSH under Access Control.'
      );
    default:
      return 'allow it: try again and accept when your keychain asks.';
  }
}
