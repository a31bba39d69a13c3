import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LocalFileError } from '../../../../shared/src/errors.ts';
import type { AppSettings } from '../../../../shared/src/settings.ts';
import type { TerminalLogChoice } from '../../../../shared/src/terminals.ts';
import type { OpenPath } from '../../system/openPath.ts';
import { logFileName, type LogSubject } from './logNames.ts';
import { SessionLog } from './SessionLog.ts';

export interface SessionLogsOptions {
  /** The data folder: logs go to `session-logs` in it unless the setting names another folder. */
  dataDir: string;
  settings: { ready(): Promise<void>; current(): AppSettings };
  /** Opens the log folder in the file manager (`Core.openPath`). */
  openPath: OpenPath;
  /** The clock the file names and first lines use (tests give a fixed one). */
  now?: () => Date;
}

/** How many files started in the same second may share a name but for their `_N`. */
const MAX_COPIES = 1000;

/**
 * Where session logs go and how their files are made: one file per tab, named after the node, its
 * environment and the start time, in the folder from Settings. A file is created exclusively (a
 * name taken gets the next `_N`, nothing is ever overwritten), readable by its owner only (0600).
 */
export class SessionLogs {
  /** Logs this core created since it started, and how they are written: only these are continued. */
  private readonly written = new Map<string, { raw: boolean }>();
  private readonly now: () => Date;

  constructor(private readonly options: SessionLogsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Whether a terminal logs from the start: as asked, else as Settings say. */
  async wanted(choice: TerminalLogChoice | undefined): Promise<boolean> {
    if (choice?.enabled !== undefined) return choice.enabled;
    return (await this.settings()).logSessions;
  }

  /** The folder logs go to now. */
  async folder(): Promise<string> {
    const { logFolder } = await this.settings();
    return resolve(logFolder === '' ? join(this.options.dataDir, 'session-logs') : logFolder);
  }

  /** Opens the log folder in the file manager, creating it first (an empty folder is what a new user expects). */
  async openFolder(): Promise<{ path: string }> {
    const folder = await this.ensureFolder();
    try {
      await this.options.openPath(folder);
    } catch (error) {
      throw new LocalFileError(`Could not open the log folder ${folder}: ${(error as Error).message}`, {
        path: folder,
        reason: 'failure',
      });
    }
    return { path: folder };
  }

  /**
   * A log for a session: `continues` goes on in that file when this core wrote it and it is still
   * there; otherwise a new file. `onFailed` hears of a write that failed (the log has stopped).
   */
  async open(
    session: { subject: LogSubject; columns: number },
    onFailed: (log: SessionLog, error: Error) => void,
    continues?: string,
  ): Promise<SessionLog> {
    const { subject, columns } = session;
    const make = (handle: FileHandle, path: string, created: boolean, raw: boolean) => {
      const file = { handle, path, created, raw, subject, columns, now: this.now };
      const log: SessionLog = new SessionLog(file, (error) => onFailed(log, error));
      return log;
    };
    const known = continues === undefined ? undefined : this.written.get(continues);
    if (continues !== undefined && known) {
      // No O_CREAT: a log the user moved or deleted meanwhile is not made again; a new one starts.
      const handle = await open(
        continues,
        constants.O_WRONLY | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0),
      ).catch(() => undefined);
      if (handle) return make(handle, continues, false, known.raw);
    }
    const folder = await this.ensureFolder();
    const raw = (await this.settings()).logRaw;
    const start = this.now();
    for (let copy = 1; copy <= MAX_COPIES; copy++) {
      const path = join(folder, logFileName(subject, start, copy));
      // The name is made of safe characters only; this is the second wall.
      if (dirname(path) !== folder) throw new LocalFileError(`A session log name left ${folder}.`, { path });
      let handle: FileHandle;
      try {
        handle = await open(path, 'wx', 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw folderError(error, folder);
      }
      this.written.set(path, { raw });
      return make(handle, path, true, raw);
    }
    throw new LocalFileError(`${folder} already holds ${MAX_COPIES} logs started in this second.`, {
      path: folder,
      reason: 'exists',
    });
  }

  private async settings(): Promise<AppSettings['terminal']> {
    await this.options.settings.ready();
    return this.options.settings.current().terminal;
  }

  private async ensureFolder(): Promise<string> {
    const folder = await this.folder();
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw folderError(error, folder);
    }
    return folder;
  }
}

/** Why logs cannot be written to a folder, in words that say what to do. */
export function folderError(error: unknown, folder: string): LocalFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const fix = 'Choose another log folder in Settings → Terminal, or make this one writable.';
  const reasons: Record<string, [string, string]> = {
    EACCES: ['permissionDenied', 'permission denied'],
    EPERM: ['permissionDenied', 'permission denied'],
    EROFS: ['permissionDenied', 'the disk is read-only'],
    ENOTDIR: ['notAFolder', 'part of the path is a file, not a folder'],
    EEXIST: ['notAFolder', 'it is a file, not a folder'],
    ENOSPC: ['failure', 'the disk is full'],
  };
  const [reason, words] = reasons[code ?? ''] ?? ['failure', (error as Error).message];
  return new LocalFileError(`Cannot write session logs to ${folder}: ${words}. ${fix}`, {
    path: folder,
    reason,
  });
}
