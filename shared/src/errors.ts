/**
 * Typed errors that cross the RPC boundary. Each has a stable `code` (what code switches on) and a
 * message a person can act on (what the UI shows). Nothing else — no stack — leaves the core.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    /** Extra facts for the UI (fingerprints, ids); plain JSON only. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class SignedOut extends AppError {
  readonly code = 'SignedOut';
  override readonly name = 'SignedOut';
}

export class KeychainUnavailable extends AppError {
  readonly code = 'KeychainUnavailable';
  override readonly name = 'KeychainUnavailable';
}

export class HostKeyChanged extends AppError {
  readonly code = 'HostKeyChanged';
  override readonly name = 'HostKeyChanged';
}

/** A host key nobody has decided about, where no one can be asked (scripts, the CLI). */
export class HostKeyUnknown extends AppError {
  readonly code = 'HostKeyUnknown';
  override readonly name = 'HostKeyUnknown';
}

export class HostKeyRejected extends AppError {
  readonly code = 'HostKeyRejected';
  override readonly name = 'HostKeyRejected';
}

export class EnvironmentStopped extends AppError {
  readonly code = 'EnvironmentStopped';
  override readonly name = 'EnvironmentStopped';
}

export class NodeNotFound extends AppError {
  readonly code = 'NodeNotFound';
  override readonly name = 'NodeNotFound';
}

export class TransferFailed extends AppError {
  readonly code = 'TransferFailed';
  override readonly name = 'TransferFailed';
}

/** The database refused an import or export; `details.line` is where an import stopped. */
export class SqlFailed extends AppError {
  readonly code = 'SqlFailed';
  override readonly name = 'SqlFailed';
}

/** The platform answered with a non-zero result; carries its code and its own message. */
export class PlatformError extends AppError {
  readonly code = 'PlatformError';
  override readonly name = 'PlatformError';
}

/** The platform could not be reached at all (network, TLS, not a Jelastic API). */
export class PlatformUnreachable extends AppError {
  readonly code = 'PlatformUnreachable';
  override readonly name = 'PlatformUnreachable';
}

export class AuthenticationFailed extends AppError {
  readonly code = 'AuthenticationFailed';
  override readonly name = 'AuthenticationFailed';
}

/**
 * The platform refused one method (result 8202) while the session or token stays valid: an access
 * token created without that method. `details.method` names it (e.g. `management.Account.AddSSHKey`).
 * Never a reason to sign out.
 */
export class PermissionDenied extends AppError {
  readonly code = 'PermissionDenied';
  override readonly name = 'PermissionDenied';
}

/**
 * The password was right and the account has two-factor authentication: the sign-in completes with
 * `platform.verifyCode(code)`. Thrown by `platform.signIn`.
 */
export class CodeRequired extends AppError {
  readonly code = 'CodeRequired';
  override readonly name = 'CodeRequired';
}

/**
 * The computer the core runs on refused something with a local file or folder: it is gone, it is not
 * a folder, permission is denied, the name is taken. `details.path` and `details.reason` (`notFound`,
 * `notAFolder`, `permissionDenied`, `exists`, `failure`) say which.
 */
export class LocalFileError extends AppError {
  readonly code = 'LocalFileError';
  override readonly name = 'LocalFileError';
}

export class InvalidInput extends AppError {
  readonly code = 'InvalidInput';
  override readonly name = 'InvalidInput';
}

export class Cancelled extends AppError {
  readonly code = 'Cancelled';
  override readonly name = 'Cancelled';
}

/** Anything unexpected; the message is the original one, the stack stays in the core's log. */
export class InternalError extends AppError {
  readonly code = 'InternalError';
  override readonly name = 'InternalError';
}

// The key vault's errors: they cross the RPC to the keys page.
/** The keychain refused a secret because of its size (Windows' Credential Manager: 2560 bytes). */
export class SecretTooLarge extends AppError {
  readonly code = 'SecretTooLarge';
  override readonly name = 'SecretTooLarge';

  constructor(bytes: number, cap: number) {
    super(`A secret of ${bytes} bytes does not fit the keychain's limit of ${cap} bytes.`, { bytes, cap });
  }
}

export class KeyNotFound extends AppError {
  readonly code = 'KeyNotFound';
  override readonly name = 'KeyNotFound';

  constructor(id: string) {
    super(`No key with id '${id}' in the vault — it may have been deleted; refresh the key list.`, { id });
  }
}

export class KeyAlreadyInVault extends AppError {
  readonly code = 'KeyAlreadyInVault';
  override readonly name = 'KeyAlreadyInVault';

  constructor(existingId: string, existingName: string) {
    super(`This key is already in the vault as '${existingName}'.`, { existingId });
  }
}

export class PassphraseRequired extends AppError {
  readonly code = 'PassphraseRequired';
  override readonly name = 'PassphraseRequired';

  constructor() {
    super('This key file is protected by a passphrase — enter it to import the key.');
  }
}

export class WrongPassphrase extends AppError {
  readonly code = 'WrongPassphrase';
  override readonly name = 'WrongPassphrase';

  constructor(what = 'this key file') {
    super(`Wrong passphrase: ${what} could not be decrypted with it. Check the passphrase and try again.`);
  }
}

/** The file is damaged or was edited: a MAC or an integrity check failed, or its structure is broken. */
export class KeyFileCorrupt extends AppError {
  readonly code = 'KeyFileCorrupt';
  override readonly name = 'KeyFileCorrupt';

  constructor(detail: string) {
    super(`The key file is damaged or was changed (${detail}); use an intact copy.`, { detail });
  }
}

/** A key type, cipher, key derivation or file format the vault does not handle. */
export class UnsupportedKey extends AppError {
  readonly code = 'UnsupportedKey';
  override readonly name = 'UnsupportedKey';
}

/** A stored key can no longer be opened: its keychain secret is gone or its file was altered. */
export class VaultDataLost extends AppError {
  readonly code = 'VaultDataLost';
  override readonly name = 'VaultDataLost';

  constructor(name: string, detail: string, advice = 'Delete it and import it again from a backup.') {
    super(`The key '${name}' cannot be decrypted (${detail}). ${advice}`, { detail });
  }
}

// Any constructor: the registry only needs the prototype, see deserializeError.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors differ in their parameters
type ErrorClass = abstract new (...args: any[]) => AppError;

const BY_CODE: Record<string, ErrorClass> = {
  SignedOut,
  KeychainUnavailable,
  HostKeyChanged,
  HostKeyUnknown,
  HostKeyRejected,
  EnvironmentStopped,
  NodeNotFound,
  TransferFailed,
  SqlFailed,
  PlatformError,
  PlatformUnreachable,
  AuthenticationFailed,
  PermissionDenied,
  CodeRequired,
  LocalFileError,
  InvalidInput,
  Cancelled,
  InternalError,
  SecretTooLarge,
  KeyNotFound,
  KeyAlreadyInVault,
  PassphraseRequired,
  WrongPassphrase,
  KeyFileCorrupt,
  UnsupportedKey,
  VaultDataLost,
};

export interface SerializedError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) return { code: error.code, message: error.message, details: error.details };
  return {
    code: 'InternalError',
    message: error instanceof Error ? error.message : String(error),
    details: {},
  };
}

/**
 * Rebuilds the typed error on the far side of the RPC, so `instanceof` works there too. Built on
 * the class's prototype rather than through its constructor, whose parameters vary by class.
 */
export function deserializeError(error: SerializedError): AppError {
  const known = BY_CODE[error.code];
  const Class = known ?? InternalError;
  const rebuilt = Object.create(Class.prototype) as AppError;
  const fields = { code: known ? error.code : 'InternalError', name: known ? error.code : 'InternalError' };
  for (const [key, value] of Object.entries({ ...fields, message: error.message, details: error.details })) {
    Object.defineProperty(rebuilt, key, { value, enumerable: key === 'details', writable: false });
  }
  Object.defineProperty(rebuilt, 'stack', { value: `${fields.name}: ${error.message}`, writable: true });
  return rebuilt;
}
