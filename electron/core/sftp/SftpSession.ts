import { FramedWrites, sftpEofReceived, sftpExtension, sftpRequestLimits } from '@enscale-ssh/ssh2-internals';
import type { Attributes, FileEntryWithStats, InputAttributes, SFTPWrapper, Stats } from 'ssh2';
import { toFileError } from './sftpErrors.ts';

export type SftpSource = SFTPWrapper | (() => Promise<SFTPWrapper>);

/*
 * SFTP channels that have ended. ssh2 fails the requests waiting when its channel ends, but a request
 * made after that is written into the void and its callback never runs — so a transfer whose node
 * went away hung for ever in its clean-up (found by test/reliability/transferFaults.test.ts). Calls
 * on an ended channel therefore fail at once, as a lost connection.
 */
const ended = new WeakSet<SFTPWrapper>();
const watched = new WeakSet<SFTPWrapper>();

function watch(sftp: SFTPWrapper): void {
  if (watched.has(sftp)) return;
  watched.add(sftp);
  const mark = () => ended.add(sftp);
  sftp.once('end', mark);
  sftp.once('close', mark);
}

function hasEnded(sftp: SFTPWrapper): boolean {
  // `readable` turns false when the server's EOF arrived, possibly before this session watched it.
  return ended.has(sftp) || sftpEofReceived(sftp);
}

type Callback<T> = (error: Error | undefined | null, value: T) => void;

/** Servers should accept 34000-byte packets, i.e. 32 KiB reads and writes (draft-ietf-secsh-filexfer-02 §3). */
const MIN_REQUEST_LIMIT = 32 * 1024;

/**
 * ssh2's callback SFTP client as promises, every failure turned into a `TransferFailed` that names
 * the path. Paths go into SFTP requests as they are: no shell ever sees them.
 */
export class SftpSession {
  constructor(readonly sftp: SFTPWrapper) {
    watch(sftp);
  }

  static async from(source: SftpSource): Promise<SftpSession> {
    return new SftpSession(typeof source === 'function' ? await source() : source);
  }

  private call<T>(what: string, path: string, start: (done: Callback<T>) => void): Promise<T> {
    if (hasEnded(this.sftp)) {
      return Promise.reject(toFileError(new Error('SFTP channel closed'), what, path));
    }
    return new Promise<T>((resolve, reject) => {
      try {
        start((error, value) => (error ? reject(toFileError(error, what, path)) : resolve(value)));
      } catch (error) {
        // ssh2 throws synchronously when the channel is already closed.
        reject(toFileError(error, what, path));
      }
    });
  }

  stat(path: string): Promise<Stats> {
    return this.call('read the details of', path, (done) => this.sftp.stat(path, done));
  }

  lstat(path: string): Promise<Stats> {
    return this.call('read the details of', path, (done) => this.sftp.lstat(path, done));
  }

  /** `undefined` when nothing is at `path`; other failures still throw. */
  async lstatIfExists(path: string): Promise<Stats | undefined> {
    try {
      return await this.lstat(path);
    } catch (error) {
      if ((error as { details?: { reason?: string } }).details?.reason === 'notFound') return undefined;
      throw error;
    }
  }

  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call('list', path, (done) => this.sftp.readdir(path, done));
  }

  readlink(path: string): Promise<string> {
    return this.call('read the link', path, (done) => this.sftp.readlink(path, done));
  }

  realpath(path: string): Promise<string> {
    return this.call('resolve', path, (done) => this.sftp.realpath(path, done));
  }

  mkdir(path: string, mode?: number): Promise<void> {
    return this.call('create the folder', path, (done) =>
      mode === undefined ? this.sftp.mkdir(path, done) : this.sftp.mkdir(path, { mode }, done),
    );
  }

  rmdir(path: string): Promise<void> {
    return this.call('remove the folder', path, (done) => this.sftp.rmdir(path, done));
  }

  unlink(path: string): Promise<void> {
    return this.call('remove', path, (done) => this.sftp.unlink(path, done));
  }

  /** Plain SFTP v3 rename: OpenSSH refuses it when the destination exists. */
  rename(from: string, to: string): Promise<void> {
    return this.call(`rename to '${to}'`, from, (done) => this.sftp.rename(from, to, done));
  }

  /** Whether the server offers `posix-rename@openssh.com` (an atomic rename that replaces). */
  get hasPosixRename(): boolean {
    // ssh2 keeps the server's extension list private; this is the way it decides too.
    return sftpExtension(this.sftp, 'posix-rename@openssh.com') === '1';
  }

  /**
   * The most data one read / write request may carry: what the server announced with
   * `limits@openssh.com` (OpenSSH's sftp-server: 255 KiB), else ssh2's cautious guess. ssh2 keeps
   * both private; a larger request is split by ssh2 into sequential ones, which pipelining avoids.
   */
  get requestLimits(): { read: number; write: number } {
    const { read, write } = sftpRequestLimits(this.sftp);
    return { read: read ?? MIN_REQUEST_LIMIT, write: write ?? MIN_REQUEST_LIMIT };
  }

  posixRename(from: string, to: string): Promise<void> {
    return this.call(`rename to '${to}'`, from, (done) => this.sftp.ext_openssh_rename(from, to, done));
  }

  setstat(path: string, attributes: InputAttributes): Promise<void> {
    return this.call('change the attributes of', path, (done) => this.sftp.setstat(path, attributes, done));
  }

  open(path: string, flags: 'r' | 'r+' | 'w' | 'wx', mode?: number): Promise<Buffer> {
    return this.call(flags === 'r' ? 'open' : 'write', path, (done) =>
      mode === undefined ? this.sftp.open(path, flags, done) : this.sftp.open(path, flags, { mode }, done),
    );
  }

  close(handle: Buffer, path: string): Promise<void> {
    return this.call('close', path, (done) => this.sftp.close(handle, done));
  }

  fstat(handle: Buffer, path: string): Promise<Attributes> {
    return this.call('read the details of', path, (done) => this.sftp.fstat(handle, done));
  }

  fsetstat(handle: Buffer, path: string, attributes: InputAttributes): Promise<void> {
    return this.call('change the attributes of', path, (done) =>
      this.sftp.fsetstat(handle, attributes, done),
    );
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `at`; 0 at end of file. */
  read(
    handle: Buffer,
    path: string,
    buffer: Buffer,
    length: number,
    position: number,
    at = 0,
  ): Promise<number> {
    return this.call<number>('read', path, (done) =>
      this.sftp.read(handle, buffer, at, length, position, (error, bytesRead) => done(error, bytesRead)),
    );
  }

  /** Writes `buffer[0, length)`; a buffer from `writeBuffer` is sent without being copied. */
  write(handle: Buffer, path: string, buffer: Buffer, length: number, position: number): Promise<void> {
    return this.call<undefined>('write', path, (done) => {
      const answered = (error?: Error | null) => done(error, undefined);
      FramedWrites.for(this.sftp).write(handle, buffer, length, position, answered).catch(answered);
    });
  }

  /** A buffer to fill with data for `write`, which can then send it without copying or allocating. */
  writeBuffer(size: number): Buffer {
    return FramedWrites.allocate(size);
  }

  /**
   * Renames over an existing file: atomically with `posix-rename@openssh.com`; without it, SFTP v3
   * cannot replace, so the destination is removed first and for a moment nothing is there.
   */
  async replace(from: string, to: string): Promise<void> {
    if (this.hasPosixRename) return this.posixRename(from, to);
    if (await this.lstatIfExists(to)) await this.unlink(to);
    await this.rename(from, to);
  }
}
