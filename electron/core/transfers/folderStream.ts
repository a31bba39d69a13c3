import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ClientChannel } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { Cancelled, TransferFailed } from '../../../shared/src/errors.ts';
import { shellQuote } from '../../../shared/src/shellQuote.ts';
import type { TransferJob } from '../../../shared/src/transfers.ts';
import type { RemoteCommand, RemoteCommands } from '../exec/RemoteCommands.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { localError, readLocal } from './fileCopy.ts';
import { scanLocal, type Tree, type TreeFile } from './folderScan.ts';
import { SmallFileReader } from './smallFileReader.ts';
import type { Entry, JobBook } from './JobBook.ts';
import type { LocalPlatform } from './localNames.ts';
import { END_OF_ARCHIVE, entryHeader, MAX_TAR_FILE, padding } from './tarHeaders.ts';
import { UPLOAD_FOLDER_MODE, uploadMode, type UploadRules } from './uploadRules.ts';

/** Bytes gathered before one write to the channel: small files' blocks go out together. */
const BATCH = 256 * 1024;
/**
 * Files read ahead of the channel, each at most READ_WHOLE (a larger one is read in pieces of that
 * size when its turn comes), asked of the reading thread READ_BATCH at a time: 12 MiB at most.
 */
const READ_AHEAD = 32;
const READ_BATCH = 16;
const READ_WHOLE = 256 * 1024;
/** The hidden folder beside the destination that the archive is unpacked into. */
export const TEMP_PREFIX = '.enscale-folder-';
/** Exit codes of the script before anything is sent: no tar, or the temporary folder not made. */
const NO_TAR = 97;
const NO_FOLDER = 98;

/** What a folder upload by stream uses of the engine's. */
export interface StreamTools {
  sftp: SftpSession;
  commands: RemoteCommands;
  rules: UploadRules;
  platform: LocalPlatform;
}

interface FolderStream extends StreamTools {
  job: TransferJob;
  target: ConnectionTarget;
  signal: AbortSignal;
  /** Called once the folder is read: its bytes and files. */
  onStart(total: number, files: number): void;
  onProgress(bytes: number): void;
  onFile(): void;
}

/** `streamFolderUp` for a folder job of the engine's, its progress going to the job book. */
export function streamEntryUp(entry: Entry, book: JobBook, tools: StreamTools): Promise<boolean> {
  const { job } = entry;
  return streamFolderUp({
    ...tools,
    job,
    target: entry.request.target,
    signal: entry.controller.signal,
    onStart: (total, files) => {
      job.files = { total: files, finished: 0, failed: 0 };
      job.total = total;
      job.transferred = 0;
      book.setBytes(entry, 0);
      entry.meter.reset(0, total);
      book.emitJob(entry);
    },
    onProgress: (bytes) => {
      job.transferred += bytes;
      book.setBytes(entry, job.bytes + bytes);
    },
    onFile: () => {
      if (job.files) job.files.finished++;
    },
  });
}

/**
 * Uploads a folder that is not at the destination yet as one tar stream over an exec channel: `tar -x`
 * unpacks it into a new hidden folder beside the destination, which is renamed into place once the
 * archive is complete, so nothing is ever under the final name half-written. Over SFTP each file
 * costs open, write(s), fsetstat + close and rename, four round trips; 5,000 files of 1–64 KiB went up in
 * 2.45 s against rsync's 0.98 s (README, "files", 2026-12-06). Answers false, having changed nothing,
 * when the folder should go by SFTP: the destination exists, its parent's path has control
 * characters, a file is too large for ustar, or the node has no `tar` or no POSIX shell.
 */
export async function streamFolderUp(stream: FolderStream): Promise<boolean> {
  const { job, sftp, signal } = stream;
  let parent = posix.dirname(job.remotePath);
  // The command and SFTP both start in the home folder, but a server may say otherwise: ask it.
  if (!posix.isAbsolute(parent)) parent = await sftp.realpath(parent).catch(() => '');
  // Control characters (a newline above all) are read differently by different login shells.
  const control = [...parent].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char === '\u007f');
  if (control || !parent) return false;
  if (await sftp.lstatIfExists(job.remotePath)) return false;
  // Not named after the destination: only the parent's path, checked above, goes into the command.
  const temp = posix.join(parent, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  // The node gets ready (exec channel, shell, mkdir) while this computer reads the folder.
  const [scan, opened] = await Promise.allSettled([
    scanLocal(job.localPath, signal, stream.rules),
    openUnpacker(stream, temp),
  ]);
  const unpacker = opened.status === 'fulfilled' ? opened.value : undefined;
  const tree = scan.status === 'fulfilled' ? scan.value : undefined;
  if (!tree || unpacker?.started !== 'ready' || tree.files.some((file) => file.size > MAX_TAR_FILE)) {
    if (unpacker) await abandon(stream, unpacker, temp);
    if (scan.status === 'rejected') throw scan.reason;
    return false;
  }
  const { command, errors } = unpacker;
  if (tree.skipped.length > 0) job.skipped = tree.skipped;
  stream.onStart(
    tree.files.reduce((sum, file) => sum + file.size, 0),
    tree.files.length,
  );
  try {
    await sendArchive(stream, tree, command.channel);
    const result = await command.ended;
    if (signal.aborted) throw new Cancelled(`The upload of '${job.localPath}' was cancelled.`);
    if (result.code !== 0) {
      throw new TransferFailed(
        `The node could not unpack the upload of '${job.localPath}' (tar ended with ${result.code ?? result.signal}` +
          `${errors() ? `: ${errors()}` : ''}).`,
      );
    }
    // A plain SFTP rename: OpenSSH's sftp-server refuses it when the destination exists by now.
    await sftp.rename(temp, job.remotePath).catch((error: unknown) => {
      throw new TransferFailed(
        `'${job.remotePath}' appeared on the node during the upload and was left as it is` +
          ` (${error instanceof Error ? error.message : String(error)}).`,
      );
    });
    return true;
  } catch (error) {
    await abandon(stream, unpacker, temp);
    throw signal.aborted ? new Cancelled(`The upload of '${job.localPath}' was cancelled.`) : error;
  }
}

interface Unpacker {
  command: RemoteCommand;
  /** tar's complaints so far. */
  errors: () => string;
  /** 'ready' once the script printed its marker, else its exit code. */
  started: 'ready' | number | null;
}

async function openUnpacker(stream: FolderStream, temp: string): Promise<Unpacker | undefined> {
  const ready = `enscale-tar-ready-${randomBytes(8).toString('hex')}`;
  const command = await stream.commands
    .start(stream.target, unpackScript(temp, ready))
    .catch(() => undefined);
  if (!command) return undefined;
  const errors = lastOutput(command.channel.stderr);
  return { command, errors, started: await waitUntilReady(command, ready) };
}

/** Stops the script and removes whatever it made (nothing when it ended saying so). */
async function abandon(stream: FolderStream, { command, started }: Unpacker, temp: string): Promise<void> {
  // Stdin's end, not a close: tar stops at the end of what it has and the script removes its
  // folder; only then is it safe to look (a close would leave tar writing while we delete).
  if (!command.channel.writableEnded && !command.channel.destroyed) command.channel.end();
  const timer = setTimeout(() => command.channel.close(), 10_000);
  await command.ended;
  clearTimeout(timer);
  if (started !== NO_TAR && started !== NO_FOLDER) await removeFolder(stream, temp);
}

/**
 * Made to run in any login shell that reads POSIX sh, and to fail before the marker in any other.
 * The folder is made 0700 so no one else can write into it while it fills; tar's `-p` keeps the
 * modes in the archive (as SFTP's fsetstat does) and `-o` leaves ownership to the user unpacking.
 */
function unpackScript(temp: string, ready: string): string {
  const folder = shellQuote(temp);
  return [
    `command -v tar >/dev/null 2>&1 || exit ${NO_TAR}`,
    `mkdir -m 700 -- ${folder} || exit ${NO_FOLDER}`,
    `cd -- ${folder} || { rmdir -- ${folder}; exit ${NO_FOLDER}; }`,
    `echo ${ready}`,
    `tar -x -p -o -f - && chmod ${UPLOAD_FOLDER_MODE.toString(8)} . || { cd / && rm -rf -- ${folder}; exit 1; }`,
  ].join('; ');
}

/** 'ready' once the script printed the marker, else its exit code (null without one). */
async function waitUntilReady(command: RemoteCommand, ready: string): Promise<'ready' | number | null> {
  let seen = '';
  const marker = new Promise<'ready'>((resolve) => {
    const read = (data: Buffer) => {
      // A login script may print first; only the marker on a line of its own counts.
      seen = (seen + data.toString('latin1')).slice(-64 * 1024);
      if (!seen.includes(`${ready}\n`)) return;
      command.channel.off('data', read);
      resolve('ready');
    };
    command.channel.on('data', read);
  });
  return Promise.race([marker, command.ended.then((result) => result.code)]);
}

/** The last KiB a stream wrote (tar's complaint, for the error message). */
function lastOutput(from: NodeJS.ReadableStream): () => string {
  let text = '';
  from.on('data', (data: Buffer) => {
    text = (text + data.toString('utf8')).slice(-1024);
  });
  return () => text.trim();
}

/** Writes every folder (parents first), then every file, then the end of the archive. */
async function sendArchive(stream: FolderStream, tree: Tree, channel: ClientChannel): Promise<void> {
  const { signal } = stream;
  const now = Math.floor(Date.now() / 1000);
  const batch: Buffer[] = [];
  let batched = 0;
  let counted = 0;
  const flush = async () => {
    if (batched === 0) return;
    const data = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batched);
    batch.length = 0;
    batched = 0;
    await write(channel, data, signal);
    if (counted > 0) stream.onProgress(counted);
    counted = 0;
  };
  const add = async (data: Buffer, content = 0) => {
    batch.push(data);
    batched += data.length;
    counted += content;
    if (batched >= BATCH) await flush();
  };
  for (const folder of tree.directories) {
    await add(
      entryHeader({ path: folder.join('/'), type: 'folder', size: 0, mode: UPLOAD_FOLDER_MODE, mtime: now }),
    );
  }
  const reader = new SmallFileReader();
  const reads = new Map<number, Promise<Buffer>>();
  let requested = 0;
  const readAhead = (from: number) => {
    const until = Math.min(from + READ_AHEAD, tree.files.length);
    while (requested < until) {
      const batch: number[] = [];
      for (const end = Math.min(requested + READ_BATCH, tree.files.length); requested < end; requested++) {
        if ((tree.files[requested] as TreeFile).size <= READ_WHOLE) batch.push(requested);
      }
      if (batch.length === 0) continue;
      const contents = reader.read(
        batch.map((index) => {
          const file = tree.files[index] as TreeFile;
          return {
            path: join(stream.job.localPath, ...file.segments),
            size: file.size,
            padding: padding(file.size),
          };
        }),
      );
      for (const [i, index] of batch.entries()) {
        const read = contents[i] as Promise<Buffer>;
        // Awaited in turn below; one that fails after the upload stopped must not go unhandled.
        read.catch(() => undefined);
        reads.set(index, read);
      }
    }
  };
  try {
    for (const [index, file] of tree.files.entries()) {
      readAhead(index);
      const header = entryHeader({
        path: file.target.join('/'),
        type: 'file',
        size: file.size,
        mode: uploadMode(file.mode, stream.platform),
        mtime: file.mtime,
      });
      const whole = reads.get(index);
      reads.delete(index);
      if (whole) {
        const content = await whole;
        await add(header);
        await add(content, file.size);
      } else {
        await add(header);
        await flush();
        await sendInPieces(stream, file, channel);
      }
      stream.onFile();
    }
    await add(END_OF_ARCHIVE);
    await flush();
  } finally {
    await reader.close();
  }
  channel.end();
}

async function sendInPieces(stream: FolderStream, file: TreeFile, channel: ClientChannel): Promise<void> {
  const path = join(stream.job.localPath, ...file.segments);
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw localError(error, 'read', path);
  });
  try {
    for (let offset = 0; offset < file.size; offset += READ_WHOLE) {
      const length = Math.min(READ_WHOLE, file.size - offset);
      const last = offset + length === file.size;
      const piece = Buffer.alloc(length + (last ? padding(file.size) : 0));
      await readLocal(handle, path, piece, length, offset);
      await write(channel, piece, stream.signal);
      stream.onProgress(length);
    }
  } finally {
    await handle.close();
  }
}

/** One write to the channel, resolved once it has room for more (or failed when it closed). */
function write(channel: ClientChannel, data: Buffer, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Cancelled('Cancelled.'));
  if (channel.destroyed || channel.writableEnded) {
    return Promise.reject(new TransferFailed('The node stopped unpacking the upload.'));
  }
  if (channel.write(data)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      channel.off('drain', drained);
      channel.off('close', closed);
      signal.removeEventListener('abort', aborted);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => settle();
    const closed = () => settle(new TransferFailed('The node stopped unpacking the upload.'));
    const aborted = () => settle(new Cancelled('Cancelled.'));
    channel.on('drain', drained);
    channel.on('close', closed);
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/** Removes the temporary folder (our own random name), waiting for the command to end. */
async function removeFolder(stream: FolderStream, temp: string): Promise<void> {
  const command = await stream.commands
    .start(stream.target, `rm -rf -- ${shellQuote(temp)}`)
    .catch(() => undefined);
  command?.channel.resume();
  command?.channel.stderr.resume();
  await command?.ended;
}
