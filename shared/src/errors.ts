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

type ErrorClass = new (message: string, details?: Record<string, unknown>) => AppError;

const BY_CODE: Record<string, ErrorClass> = {
  SignedOut,
  KeychainUnavailable,
  HostKeyChanged,
  HostKeyUnknown,
  HostKeyRejected,
  EnvironmentStopped,
  NodeNotFound,
  TransferFailed,
  PlatformError,
  PlatformUnreachable,
  AuthenticationFailed,
  InvalidInput,
  Cancelled,
  InternalError,
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

/** Rebuilds the typed error on the far side of the RPC, so `instanceof` works there too. */
export function deserializeError(error: SerializedError): AppError {
  const Class = BY_CODE[error.code] ?? InternalError;
  return new Class(error.message, error.details);
}
