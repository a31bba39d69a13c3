import type { SFTPWrapper } from 'ssh2';

/*
 * What ssh2 1.17's SFTP client knows of its server and channel but keeps private. Each reader
 * checks the field's type on the object at hand and otherwise answers as if ssh2 had no such
 * knowledge, which is what its public API offers.
 */

interface SftpChannelInternals {
  /** False once the server's EOF arrived. */
  readable?: unknown;
  /** The server's SSH_FXP_VERSION extensions, name → data. */
  _extensions?: unknown;
  /** What one request may carry: `limits@openssh.com`'s answer, or ssh2's cautious guess. */
  _maxReadLen?: unknown;
  _maxWriteLen?: unknown;
}

const internals = (sftp: SFTPWrapper) => sftp as unknown as SftpChannelInternals;

/** Whether the server's EOF has arrived on the channel (ssh2 answers no request after it). */
export function sftpEofReceived(sftp: SFTPWrapper): boolean {
  return internals(sftp).readable === false;
}

/** The data the server announced for SFTP extension `name` (e.g. `'1'`), if it announced it. */
export function sftpExtension(sftp: SFTPWrapper, name: string): string | undefined {
  const extensions = internals(sftp)._extensions;
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const value = (extensions as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** ssh2's own limits on the data in one read and one write request; undefined where not known. */
export function sftpRequestLimits(sftp: SFTPWrapper): { read?: number; write?: number } {
  const { _maxReadLen: read, _maxWriteLen: write } = internals(sftp);
  const limit = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  return { read: limit(read), write: limit(write) };
}
