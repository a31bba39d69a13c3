import { useEffect, useRef, useState } from 'react';
import { connectionKey, type ConnectionTarget } from '../../../shared/src/connections.ts';
import type { EditResolution, EditSession } from '../../../shared/src/edits.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

/**
 * The node's files being edited in a local editor ("Edit"), as the pane shows them: every edit of this
 * node (also one a reloaded page had opened), kept current by the core's events. The edits this pane
 * opened are closed with it: closing the tab stops watching and removes their local copies.
 * `onUploaded` hears of each save that arrived on the node (the pane lists its folder again).
 */
export function useEdits(target: ConnectionTarget, onUploaded: (edit: EditSession) => void) {
  const core = useCore();
  const notifier = useNotifier();
  const key = connectionKey(target);
  const [edits, setEdits] = useState<EditSession[]>([]);
  const mine = useRef(new Set<string>());
  const ours = (edit: EditSession) => connectionKey(edit.target) === key;

  useEffect(() => {
    let live = true;
    core.edits.list().then(
      (list) => live && setEdits(list.filter((edit) => connectionKey(edit.target) === key)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [core, key]);

  useEffect(() => {
    const opened = mine.current;
    return () => {
      for (const id of opened) void core.edits.close(id).catch(() => undefined);
    };
  }, [core]);

  useCoreEvent(core.edits.events, 'edit', (edit) => {
    if (!ours(edit)) return;
    const before = edits.find((e) => e.id === edit.id);
    if (before && edit.uploads > before.uploads) onUploaded(edit);
    setEdits((list) =>
      edit.state === 'closed'
        ? list.filter((e) => e.id !== edit.id)
        : list.some((e) => e.id === edit.id)
          ? list.map((e) => (e.id === edit.id ? edit : e))
          : [...list, edit],
    );
  });

  const act = async (what: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch (e) {
      notifier.error(what, errorMessage(e));
    }
  };

  return {
    edits,
    open: (entry: RemoteFileEntry) =>
      act(`Could not edit ${entry.name}`, async () => {
        const edit = await core.edits.open(target, entry.path);
        mine.current.add(edit.id);
      }),
    close: (edit: EditSession) =>
      act(`Could not stop editing ${edit.name}`, async () => {
        mine.current.delete(edit.id);
        await core.edits.close(edit.id);
      }),
    upload: (edit: EditSession) => act(`Could not upload ${edit.name}`, () => core.edits.upload(edit.id)),
    resolve: (edit: EditSession, resolution: EditResolution) =>
      act(`Could not answer for ${edit.name}`, () => core.edits.resolve(edit.id, resolution)),
  };
}

export type Edits = ReturnType<typeof useEdits>;
