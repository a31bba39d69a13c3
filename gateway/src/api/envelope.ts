/**
 * The Jelastic JSON envelope: HTTP 200 with `result` 0 on success, or a non-zero `result` and an
 * `error` a person can read. Codes marked (ours) are not published by Jelastic; see docs/api.md.
 */
export const ResultCode = {
  Ok: 0,
  /** (ours) an unexpected failure; details go to the log, never to the caller */
  InternalError: 1,
  /** (ours) a parameter is missing, empty, or of the wrong form */
  InvalidParameter: 4,
  NotFound: 5,
  /** (ours) wrong login or password */
  AuthenticationFailed: 701,
  /** (ours) the session is unknown, expired, or was signed out */
  InvalidSession: 702,
  /** (ours) sign-in refused for a while after repeated wrong passwords or codes */
  TooManyAttempts: 703,
  /** (ours) verify2facode: the code is wrong, expired or already used */
  WrongCode: 704,
  WrongEnvironmentStatus: 2212,
  KeyAlreadyExists: 6001,
  /** (ours) the text is not a usable OpenSSH public key */
  InvalidKey: 6002,
  PermissionDenied: 8202,
} as const;
export type ResultCode = (typeof ResultCode)[keyof typeof ResultCode];

export const SOURCE = 'JEL';

/** Thrown by handlers; turned into an error envelope by the API's error handler. */
export class ApiError extends Error {
  constructor(
    readonly result: ResultCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Envelope = { result: number; source: string; error?: string } & Record<string, unknown>;

export const success = (fields: Record<string, unknown> = {}): Envelope => ({
  result: ResultCode.Ok,
  source: SOURCE,
  ...fields,
});

export const failure = (result: number, error: string): Envelope => ({ result, error, source: SOURCE });
