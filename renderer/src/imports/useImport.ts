import { useRef, useState } from 'react';
import type { ImportPlan, ImportReport, ImportSource } from '../../../shared/src/imports.ts';
import { useCore, useHost } from '../host/HostContext.tsx';
import type { DroppedEntry, LocalPaths } from '../host/droppedEntries.ts';
import { errorMessage } from '../ui/errorMessage.ts';

export type ImportStep =
  { kind: 'source' } | { kind: 'plan'; plan: ImportPlan } | { kind: 'report'; report: ImportReport };

/** What the person picked in the plan: sessions by name, keys by path with their passphrases. */
export interface ImportSelection {
  sessions: Set<string>;
  keys: Map<string, string>;
}

/**
 * The import dialog's steps: a source is previewed (nothing saved), the chosen part applied, the
 * report shown. A picked .reg file is staged by the browser host and kept until the dialog closes,
 * since apply reads the source again.
 */
export function useImport() {
  const core = useCore();
  const host = useHost();
  const [step, setStep] = useState<ImportStep>({ kind: 'source' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const staged = useRef<LocalPaths>(undefined);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const preview = (source: ImportSource) =>
    run(async () => setStep({ kind: 'plan', plan: await core.imports.preview(source) }));

  /** A .reg file picked with the file chooser: its local path, then its preview. */
  const previewPicked = (entry: DroppedEntry) =>
    run(async () => {
      staged.current?.release();
      staged.current = await host.localPaths([entry]);
      const path = staged.current.paths[0];
      if (!path) throw new Error(`${entry.name} could not be read: pick it again.`);
      setStep({ kind: 'plan', plan: await core.imports.preview({ kind: 'regFile', path }) });
    });

  const apply = (plan: ImportPlan, selection: ImportSelection) =>
    run(async () => {
      const keys = [...selection.keys].map(([path, passphrase]) => ({
        path,
        ...(passphrase ? { passphrase } : {}),
      }));
      const report = await core.imports.apply(plan.source, { sessions: [...selection.sessions], keys });
      setStep({ kind: 'report', report });
    });

  const release = () => {
    staged.current?.release();
    staged.current = undefined;
  };

  return {
    step,
    busy,
    error,
    preview,
    previewPicked,
    apply,
    back: () => setStep({ kind: 'source' }),
    release,
  };
}
