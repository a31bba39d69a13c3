import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/** A file's size and modification time (ms since epoch; a node's to the whole second, as SFTP v3 says). */
export interface FileStamp {
  size: number;
  mtime: number;
}

/**
 * Where an edit is: `opening` while the node's copy comes down and the editor starts, `open` while the
 * local copy is watched, `uploading` a save, `conflict` waiting for an answer (the node's copy changed
 * since it was opened or last uploaded), `failed` when the last save could not go up (the next save, or
 * `upload`, tries again), `closed` when nothing is watched any more and the local copy is gone.
 */
export type EditState = 'opening' | 'open' | 'uploading' | 'conflict' | 'failed' | 'closed';

/** One node file being edited in a local application. */
export interface EditSession {
  id: string;
  target: ConnectionTarget;
  /** The file on the node, symlinks resolved (a save replaces the file, never the link). */
  remotePath: string;
  /** The local copy's file name (the node's name, made legal on this computer). */
  name: string;
  /** The local copy the editor has open, in the profile's cache. */
  localPath: string;
  /** What opened it: the editor's program from Settings, or the system's default application. */
  openedWith: string;
  state: EditState;
  /** The node's copy as last downloaded or uploaded: what a save expects to find there. */
  node: FileStamp;
  /** Saves uploaded so far. */
  uploads: number;
  /** When the last save arrived on the node (ms since epoch). */
  uploadedAt?: number;
  /** Bytes of the transfer under way (`opening`, `uploading`). */
  progress?: { bytes: number; total: number };
  /** Why the last save did not go up (`failed`), or why opening failed (`closed`). */
  error?: string;
  /** The editor program ended with an error of its own (its status and first words on stderr). */
  editorExit?: string;
  /** The latest save is on the node (false while a save waits, fails or was not uploaded). */
  inSync: boolean;
  /** While `conflict`: the question waiting for `resolve`, also for a page that opened after it was asked. */
  question?: EditConflict;
}

/** A save would overwrite a copy on the node that changed since it was opened or last uploaded. */
export interface EditConflict {
  /** The edit's id: answer with `resolve(id, …)`. */
  id: string;
  target: ConnectionTarget;
  remotePath: string;
  /** The node's copy when it was opened or last uploaded. */
  known: FileStamp;
  /** The node's copy now; absent when it was removed. */
  node?: FileStamp;
  /** The save waiting to go up. */
  local: FileStamp;
}

/** `overwrite`: upload the save anyway; `skip`: keep the node's copy (the next save asks again). */
export type EditResolution = 'overwrite' | 'skip';

export interface EditEvents {
  /** An edit was opened or changed state (also once as `closed`). */
  edit: EditSession;
  /** A save waits for an answer: `resolve(id, 'overwrite' | 'skip')`. */
  conflict: EditConflict;
}

/**
 * "Edit" on a node's file: a copy in the profile's cache opened in the editor chosen in Settings (or the
 * system's default application for its type), every save uploaded back atomically, with a question
 * before a save overwrites a node-side change.
 */
export interface EditsApi {
  readonly events: EventSource<EditEvents>;
  /**
   * Downloads the file and opens it; resolves once the editor has started. A file already being edited
   * is opened again from its local copy. Rejects when the file is a folder, cannot be read, or the
   * editor does not start (the copy is then removed).
   */
  open(target: ConnectionTarget, remotePath: string): Promise<EditSession>;
  list(): Promise<EditSession[]>;
  /** Answers a `conflict`. */
  resolve(id: string, resolution: EditResolution): Promise<void>;
  /** Uploads the local copy now if it differs from the node's (after a failure); conflicts still ask. */
  upload(id: string): Promise<void>;
  /** Stops watching and removes the local copy; a save on its way finishes first. */
  close(id: string): Promise<void>;
}

export const EDITS_METHODS = methodList<EditsApi>()(['open', 'list', 'resolve', 'upload', 'close']);
