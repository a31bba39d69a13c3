import { AppError, TransferFailed } from '../../../shared/src/errors.ts';
import { PARTIAL_SUFFIX } from '../../../shared/src/transfers.ts';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02), as ssh2 puts them on `error.code`. */
export const SftpStatus = {
  eof: 1,
  noSuchFile: 2,
  permissionDenied: 3,
  failure: 4,
  badMessage: 5,
  noConnection: 6,
  connectionLost: 7,
  unsupported: 8,
} as const;

export type FileErrorReason =
  | 'notFound'
  | 'permissionDenied'
  | 'exists'
  | 'notEmpty'
  | 'notDirectory'
  | 'isDirectory'
  | 'tooLarge'
  | 'sizeMismatch'
  | 'connection'
  | 'unsupported'
  | 'failure';

export const fileError = (reason: FileErrorReason, path: string, message: string): TransferFailed =>
  new TransferFailed(message, { reason, path });

export const reasonOf = (error: unknown): FileErrorReason | undefined =>
  error instanceof AppError ? (error.details['reason'] as FileErrorReason | undefined) : undefined;

/**
 * Turns what ssh2 reports for a failed request into a `TransferFailed` that says what happened to
 * which path and what to do. `what` is the action in words ("list", "rename … to …").
 */
export function toFileError(error: unknown, what: string, path: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const serverSays = error instanceof Error ? error.message : String(error);
  switch (code) {
    case SftpStatus.noSuchFile:
      return fileError('notFound', path, `Cannot ${what}: '${path}' does not exist.`);
    case SftpStatus.permissionDenied:
      return fileError(
        'permissionDenied',
        path,
        `Cannot ${what}: permission denied on '${path}'. Check the owner and mode of the file and its folder.`,
      );
    case SftpStatus.noConnection:
    case SftpStatus.connectionLost:
      return fileError('connection', path, `Cannot ${what}: the connection to the node was lost. Try again.`);
    case SftpStatus.unsupported:
      return fileError('unsupported', path, `Cannot ${what}: the node's SFTP server does not support it.`);
    case SftpStatus.failure:
      // SFTP v3 has no "disk full": a write refused with a plain Failure is, in practice, a full disk
      // or quota (ENOSPC, EDQUOT) or a file-size limit (EFBIG). Say so, and what to do.
      if (what === 'write') {
        return fileError(
          'failure',
          path,
          `Cannot write '${shownPath(path)}': the node refused the data (${serverSays}). Its disk is probably full, or the file is larger than the node allows: free some space on the node, then retry — what was already sent is kept.`,
        );
      }
      return fileError('failure', path, `Cannot ${what} '${path}': the server refused (${serverSays}).`);
    default:
      // ssh2 fails every waiting request with a plain Error when the channel closes.
      if (typeof code !== 'number' && /no response|closed|not connected|channel/i.test(serverSays)) {
        return fileError(
          'connection',
          path,
          `Cannot ${what}: the connection to the node was lost. Try again.`,
        );
      }
      return fileError('failure', path, `Cannot ${what} '${path}': ${serverSays}`);
  }
}

/** An upload's partial file (`.NAME.enscale-part`) is shown as the file the user is uploading. */
function shownPath(path: string): string {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (!name.startsWith('.') || !name.endsWith(PARTIAL_SUFFIX)) return path;
  return path.slice(0, slash + 1) + name.slice(1, -PARTIAL_SUFFIX.length);
}
