import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface LocalCopyWatchOptions {
  /** Quiet time after the last file system event before the copy is looked at. */
  debounceMs?: number;
  /** How often the copy's size, time and inode are compared, whatever the events say. */
  pollMs?: number;
}

/**
 * Calls `changed` when the local copy may have been saved. Editors save in place or by writing a
 * temporary file and renaming it over the copy (vim, VS Code's atomic save, TextEdit), which replaces
 * the file a watch on the file itself would follow — so the folder is watched, events are let settle
 * (an editor's save is several of them), and a poll of the copy's stat catches what a watch misses
 * (network folders, an `fs.watch` that failed). Whether the content really changed is for the caller:
 * a poke may be spurious.
 */
export class LocalCopyWatch {
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seen = '';
  private stopped = false;
  private readonly debounceMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly folder: string,
    private readonly file: string,
    private readonly changed: () => void,
    options: LocalCopyWatchOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 200;
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Starts watching; what the copy is now counts as seen. */
  async start(): Promise<void> {
    this.seen = await this.signature();
    try {
      this.watcher = watch(this.folder, { persistent: false }, () => this.poke());
      // The folder removed or unreadable: the poll goes on, and reports a missing copy as unchanged.
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined;
    }
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.poller);
    clearTimeout(this.timer);
  }

  private poke(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.signature().then((now) => {
        this.seen = now;
        if (!this.stopped) this.changed();
      });
    }, this.debounceMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const now = await this.signature();
    if (now !== this.seen && now !== '') this.poke();
  }

  /** Size, time and inode: a rename over the copy changes the inode even with size and time kept. */
  private async signature(): Promise<string> {
    const info = await stat(this.file, { bigint: true }).catch(() => undefined);
    return info ? `${info.size}:${info.mtimeNs}:${info.ino}` : '';
  }
}
