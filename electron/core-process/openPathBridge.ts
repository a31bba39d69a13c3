import type { OpenPath } from '../core/system/openPath.ts';
import type { OpenPathAnswer, OpenPathRequest } from './commandLine.ts';

/**
 * The core's `openPath` in Electron's utility process, which has no `shell`: each call is posted to
 * main (`OpenPathRequest` on the parent port), which answers with what `shell.openPath` said.
 */
export class OpenPathBridge {
  private next = 1;
  private readonly pending = new Map<
    number,
    { path: string; resolve: () => void; reject: (e: Error) => void }
  >();

  constructor(private readonly post: (request: OpenPathRequest) => void) {}

  readonly openPath: OpenPath = (path) =>
    new Promise<void>((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { path, resolve, reject });
      this.post({ kind: 'openPath', id, path });
    });

  /** Main's answer: settles the call it belongs to; an answer to nothing asked is ignored. */
  answer(answer: OpenPathAnswer): void {
    const call = this.pending.get(answer.id);
    if (!call) return;
    this.pending.delete(answer.id);
    if (answer.error) call.reject(new Error(`Could not open ${call.path}: ${answer.error}`));
    else call.resolve();
  }
}
