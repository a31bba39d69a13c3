import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { connectionKey, type ConnectionTarget } from '../../../shared/src/connections.ts';
import type {
  EditConflict,
  EditEvents,
  EditResolution,
  EditSession,
  EditsApi,
  FileStamp,
} from '../../../shared/src/edits.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { SftpProvider } from '../sftp/SftpProvider.ts';
import { SftpSession } from '../sftp/SftpSession.ts';
import { fileError } from '../sftp/sftpErrors.ts';
import type { OpenPath } from '../system/openPath.ts';
import { currentLocalPlatform, localNameFor, type LocalPlatform } from '../transfers/localNames.ts';
import { editsCacheDir, newEditFolder, removeFolder, sweepLeftovers } from './editCache.ts';
import { runsWhenOpened, startEditor } from './editorCommand.ts';
import { downloadCopy, hashFile, sameStamp, stampOf, uploadSave } from './editTransfers.ts';
import { LocalCopyWatch, type LocalCopyWatchOptions } from './localCopyWatch.ts';

export interface EditServiceOptions {
  sftp: SftpProvider;
  /** The profile: local copies live in its `cache/edits`. */
  dataDir: string;
  /** The editor command from Settings, read at each open ('' for the system's default application). */
  editorCommand: () => Promise<string>;
  /** The system's default application for a file's type (Electron's `shell.openPath` on the desktop). */
  openPath: OpenPath;
  /** Whose command-line and file-name rules apply; the running OS by default (tests pass others). */
  platform?: LocalPlatform;
  watch?: LocalCopyWatchOptions;
}

/** What the service keeps per edit besides what it shows. */
interface Edit {
  session: EditSession;
  /** `connectionKey` and the resolved path: a second "Edit" of the same file opens the same copy. */
  key: string;
  folder: string;
  /** A still copy of the save being uploaded: the editor may save again meanwhile. */
  snapshot: string;
  /** SHA-256 of what the node holds, as far as the edit knows (downloaded, or last uploaded). */
  synced: string;
  /** A save the user chose not to upload (`skip`): not offered again until the copy changes. */
  declined?: string;
  watch: LocalCopyWatch;
  running?: Promise<void>;
  again: boolean;
  force: boolean;
  answer?: (resolution: EditResolution) => void;
  closing: boolean;
  lastProgress: number;
}

/** Progress events per edit at most this often. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * "Edit" on a node's file (docs/core.md, "Edit in your editor"): a private copy in the profile's cache,
 * opened in the editor from Settings or the system's default application, watched; each save that
 * really changed the content is uploaded as transfers upload (partial file, rename), after checking
 * that the node's copy is still the one the edit last saw — otherwise a `conflict` question.
 */
export class EditService implements EditsApi {
  readonly events = new Emitter<EditEvents>();
  private readonly edits = new Map<string, Edit>();
  private readonly root: string;
  private readonly platform: LocalPlatform;
  /** A crashed run's copies, removed before the first edit of this one. */
  private readonly swept: Promise<unknown>;

  constructor(private readonly options: EditServiceOptions) {
    this.root = editsCacheDir(options.dataDir);
    this.platform = options.platform ?? currentLocalPlatform();
    this.swept = sweepLeftovers(this.root).catch(() => undefined);
  }

  async open(target: ConnectionTarget, remotePath: string): Promise<EditSession> {
    await this.swept;
    const sftp = await this.sftp(target);
    // The link's target is edited: the save's rename would otherwise replace the link with a file.
    const resolved = await sftp.realpath(remotePath);
    const key = `${connectionKey(target)}\n${resolved}`;
    const existing = [...this.edits.values()].find((e) => e.key === key && !e.closing);
    if (existing && existing.session.state !== 'opening') {
      await this.launch(existing);
      this.emit(existing);
      return snapshot(existing.session);
    }
    const attrs = await sftp.stat(resolved);
    if (attrs.isDirectory())
      throw fileError('isDirectory', resolved, `'${resolved}' is a folder; Edit opens files.`);
    if (!attrs.isFile())
      throw fileError('failure', resolved, `'${resolved}' is not a regular file, so it cannot be edited.`);
    const remoteName = posix.basename(resolved);
    const verdict = localNameFor(remoteName, this.platform);
    if ('skip' in verdict)
      throw new InvalidInput(`“${remoteName}” cannot be edited on this computer: it ${verdict.skip}.`);

    const folder = await newEditFolder(this.root);
    const copyFolder = join(folder, 'file');
    await mkdir(copyFolder, { mode: 0o700 });
    const localPath = join(copyFolder, verdict.saveAs);
    const id = randomUUID();
    const edit: Edit = {
      key,
      folder,
      snapshot: join(folder, 'upload'),
      synced: '',
      watch: new LocalCopyWatch(copyFolder, localPath, () => void this.check(edit), this.options.watch),
      again: false,
      force: false,
      closing: false,
      lastProgress: 0,
      session: {
        id,
        target,
        remotePath: resolved,
        name: verdict.saveAs,
        localPath,
        openedWith: '',
        state: 'opening',
        node: stampOf(attrs),
        uploads: 0,
        inSync: true,
      },
    };
    this.edits.set(id, edit);
    this.emit(edit);
    try {
      await downloadCopy(sftp, resolved, attrs, localPath, (bytes, total) =>
        this.progress(edit, bytes, total),
      );
      edit.synced = await hashFile(localPath);
      // Watching before the editor starts: a save it makes at once is a change from the download.
      await edit.watch.start();
      await this.launch(edit);
    } catch (error) {
      edit.closing = true;
      edit.watch.stop();
      await edit.running;
      this.edits.delete(id);
      await removeFolder(folder);
      edit.session.state = 'closed';
      edit.session.error = error instanceof Error ? error.message : String(error);
      this.emit(edit);
      throw error;
    }
    // A save the editor made at once may be on its way up already.
    if (edit.session.state === 'opening') {
      edit.session.state = 'open';
      delete edit.session.progress;
    }
    this.emit(edit);
    return snapshot(edit.session);
  }

  async list(): Promise<EditSession[]> {
    return [...this.edits.values()].map((edit) => snapshot(edit.session));
  }

  async resolve(id: string, resolution: EditResolution): Promise<void> {
    const edit = this.get(id);
    if (!edit.answer) throw new InvalidInput(`No question is waiting for ${edit.session.name}.`, { id });
    edit.answer(resolution);
  }

  async upload(id: string): Promise<void> {
    await this.check(this.get(id), true);
  }

  async close(id: string): Promise<void> {
    const edit = this.edits.get(id);
    if (!edit || edit.closing) return;
    edit.closing = true;
    edit.watch.stop();
    edit.answer?.('skip');
    await edit.running;
    await removeFolder(edit.folder);
    this.edits.delete(id);
    this.finish(edit);
  }

  /** Files open in an editor and watched: a save after the app closes would not reach the node. */
  openCount(): number {
    return this.edits.size;
  }

  /** Stops every edit at once (the app is quitting): nothing more is uploaded, the copies are removed. */
  closeAll(): void {
    for (const edit of this.edits.values()) {
      edit.closing = true;
      edit.watch.stop();
      edit.answer?.('skip');
      try {
        rmSync(edit.folder, { recursive: true, force: true });
      } catch {
        // Held by an editor on Windows: the next start's sweep removes it.
      }
      this.finish(edit);
    }
    this.edits.clear();
  }

  private finish(edit: Edit): void {
    edit.session.state = 'closed';
    delete edit.session.progress;
    delete edit.session.question;
    this.emit(edit);
  }

  private get(id: string): Edit {
    const edit = this.edits.get(id);
    if (!edit) throw new InvalidInput(`No file is being edited under the id ${id}; it was closed.`, { id });
    return edit;
  }

  private async sftp(target: ConnectionTarget): Promise<SftpSession> {
    return new SftpSession(await this.options.sftp.sftp(target));
  }

  /**
   * Opens the copy: in the editor from Settings (no shell, the path last), or with the system's default
   * application — never for a type the OS would run instead of opening (`runsWhenOpened`).
   */
  private async launch(edit: Edit): Promise<void> {
    const { session } = edit;
    const command = (await this.options.editorCommand()).trim();
    if (!command) {
      if (runsWhenOpened(session.name, this.platform))
        throw new InvalidInput(
          `“${session.name}” is a kind of file this computer runs rather than opens. Choose an editor in Settings → Editor to edit it.`,
          { name: session.name },
        );
      await this.options.openPath(session.localPath);
      session.openedWith = 'the default application';
      return;
    }
    const editor = await startEditor(command, session.localPath, this.platform);
    session.openedWith = editor.program;
    void editor.exited.then((exit) => this.editorEnded(edit, editor.program, exit));
  }

  /**
   * An editor that ends after saving has closed the file (`code --wait`, `subl -w`, a terminal editor):
   * once its last save is on the node, the edit closes. One that ends before any save probably handed
   * the file to a window already open (`code` without `--wait`, gedit), so watching goes on; so it does
   * after an error, a declined or failed save, whose copy the user may still want.
   */
  private async editorEnded(edit: Edit, program: string, exit: { code: number | null; stderr: string }) {
    if (edit.closing) return;
    if (exit.code !== 0) {
      const status = exit.code === null ? 'was stopped' : `ended with status ${exit.code}`;
      edit.session.editorExit = `${program} ${status}${exit.stderr ? `: ${exit.stderr.slice(0, 300)}` : ''}`;
      this.emit(edit);
      return;
    }
    await this.check(edit);
    const { session } = edit;
    if (session.uploads > 0 && session.inSync && session.state === 'open') await this.close(session.id);
  }

  /** Looks at the copy (one run at a time; a poke meanwhile runs it once more after). */
  private check(edit: Edit, force = false): Promise<void> {
    edit.force ||= force;
    if (edit.running) {
      edit.again = true;
      return edit.running;
    }
    const run = async () => {
      do {
        edit.again = false;
        const forced = edit.force;
        edit.force = false;
        await this.syncOnce(edit, forced);
      } while (edit.again && !edit.closing);
    };
    edit.running = run().finally(() => (edit.running = undefined));
    return edit.running;
  }

  /** Uploads the copy if its content differs from the node's, asking first if the node's copy changed. */
  private async syncOnce(edit: Edit, force: boolean): Promise<void> {
    const { session } = edit;
    if (edit.closing) return;
    let saved: { size: number; mtimeMs: number };
    try {
      const local = await stat(session.localPath);
      await copyFile(session.localPath, edit.snapshot);
      saved = { size: (await stat(edit.snapshot)).size, mtimeMs: local.mtimeMs };
    } catch {
      return; // Mid-save (renamed away for a moment) or removed: the next event looks again.
    }
    const hash = await hashFile(edit.snapshot);
    if (hash === edit.synced) {
      if (!session.inSync || session.state === 'failed') this.settle(edit);
      return;
    }
    if (hash === edit.declined && !force) return;
    session.inSync = false;
    try {
      const sftp = await this.sftp(session.target);
      const found = await sftp.lstatIfExists(session.remotePath);
      const node = found ? stampOf(found) : undefined;
      if (!sameStamp(node, session.node)) {
        const local = { size: saved.size, mtime: Math.floor(saved.mtimeMs) };
        if ((await this.ask(edit, node, local)) === 'skip') {
          edit.declined = hash;
          this.settle(edit, false);
          return;
        }
      }
      session.state = 'uploading';
      this.emit(edit);
      const mode = found ? found.mode & 0o7777 : 0o644;
      await uploadSave(sftp, { path: edit.snapshot, ...saved }, session.remotePath, mode, (bytes, total) =>
        this.progress(edit, bytes, total),
      );
      session.node = stampOf(await sftp.lstat(session.remotePath));
      edit.synced = hash;
      edit.declined = undefined;
      session.uploads += 1;
      session.uploadedAt = Date.now();
      this.settle(edit);
    } catch (error) {
      session.state = 'failed';
      session.error = error instanceof Error ? error.message : String(error);
      delete session.progress;
      this.emit(edit);
    }
  }

  /** Back to watching: the latest save on the node (`inSync`), or knowingly not. */
  private settle(edit: Edit, inSync = true): void {
    const { session } = edit;
    session.state = 'open';
    session.inSync = inSync;
    delete session.error;
    delete session.progress;
    delete session.question;
    this.emit(edit);
  }

  private ask(edit: Edit, node: FileStamp | undefined, local: FileStamp): Promise<EditResolution> {
    const { session } = edit;
    const question: EditConflict = {
      id: session.id,
      target: session.target,
      remotePath: session.remotePath,
      known: session.node,
      ...(node ? { node } : {}),
      local,
    };
    session.state = 'conflict';
    session.question = question;
    this.emit(edit);
    return new Promise((resolve) => {
      edit.answer = (resolution) => {
        edit.answer = undefined;
        delete session.question;
        resolve(edit.closing ? 'skip' : resolution);
      };
      this.events.emit('conflict', structuredClone(question));
    });
  }

  private progress(edit: Edit, bytes: number, total: number): void {
    edit.session.progress = { bytes, total };
    const now = Date.now();
    if (now - edit.lastProgress < PROGRESS_INTERVAL_MS && bytes < total) return;
    edit.lastProgress = now;
    this.emit(edit);
  }

  private emit(edit: Edit): void {
    // Once closing, only `closed` is told: a save cut off by the close must not bring the edit back.
    if (edit.closing && edit.session.state !== 'closed') return;
    this.events.emit('edit', snapshot(edit.session));
  }
}

const snapshot = (session: EditSession): EditSession => structuredClone(session);
