import { useRef, useState } from 'react';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { errorCode, errorMessage } from '../ui/errorMessage.ts';
import { useCore, useHost } from '../host/HostContext.tsx';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import type { PassphrasePrompt } from './PassphraseDialog.tsx';

export interface ImportReport {
  imported: KeyInfo[];
  /** One sentence per file that was not imported, saying why and what to do. */
  problems: string[];
}

/**
 * Imports picked or dropped key files one by one: each is handed to the core by local path (the
 * browser host stages it first), asking for a passphrase when the core says the file needs one and
 * again, with the reason, when the passphrase was wrong. Nothing of the file is read here.
 */
export function useKeyImport(onFinished: (report: ImportReport) => void) {
  const core = useCore();
  const host = useHost();
  const [reading, setReading] = useState<string>();
  const [prompt, setPrompt] = useState<PassphrasePrompt>();
  const answer = useRef<(passphrase: string | null) => void>(undefined);
  const running = useRef(false);

  const askPassphrase = (fileName: string, attempt: number, error?: string) =>
    new Promise<string | null>((resolve) => {
      answer.current = resolve;
      setPrompt({ fileName, attempt, checking: false, ...(error ? { error } : {}) });
    });

  /** The key in `path`, or null when the user gave up at the passphrase prompt. */
  const importOne = async (path: string, fileName: string): Promise<KeyInfo | null> => {
    let passphrase: string | undefined;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await core.keys.importFile({ path, ...(passphrase ? { passphrase } : {}) });
      } catch (e) {
        const code = errorCode(e);
        if (code !== 'PassphraseRequired' && code !== 'WrongPassphrase') throw e;
        const wrong = code === 'WrongPassphrase' ? errorMessage(e) : undefined;
        const given = await askPassphrase(fileName, attempt, wrong);
        if (given === null) return null;
        passphrase = given;
      }
    }
  };

  const run = async (entries: DroppedEntry[]) => {
    const report: ImportReport = { imported: [], problems: [] };
    if (running.current) {
      onFinished({ imported: [], problems: ['An import is already running: wait for it, then try again.'] });
      return;
    }
    running.current = true;
    for (const entry of entries) {
      if (entry.kind === 'folder') {
        report.problems.push(`${entry.name} is a folder: drop or pick the key file itself.`);
        continue;
      }
      setReading(entry.name);
      try {
        const staged = await host.localPaths([entry]);
        try {
          const path = staged.paths[0];
          if (!path) throw new Error(`${entry.name} could not be read: pick it again.`);
          const key = await importOne(path, entry.name);
          if (key) report.imported.push(key);
        } finally {
          staged.release();
        }
      } catch (e) {
        report.problems.push(`${entry.name}: ${errorMessage(e)}`);
      } finally {
        setPrompt(undefined);
        answer.current = undefined;
      }
    }
    setReading(undefined);
    running.current = false;
    onFinished(report);
  };

  return {
    /** The file being read or imported, while an import runs. */
    reading,
    prompt,
    importEntries: (entries: DroppedEntry[]) => void run(entries),
    submitPassphrase: (passphrase: string) => {
      setPrompt((p) => p && { ...p, checking: true });
      answer.current?.(passphrase);
    },
    cancelPassphrase: () => answer.current?.(null),
  };
}
