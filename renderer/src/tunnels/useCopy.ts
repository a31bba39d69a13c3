import { useNotifier } from '../notify/Notifier.tsx';

/**
 * Copies text to the clipboard and says so (or why not) in a toast, which repeats what was copied —
 * unless `shown` says otherwise (a password is never put on the screen).
 */
export function useCopy(): (text: string, what: string, shown?: string) => void {
  const notifier = useNotifier();
  return (text, what, shown = text) => {
    navigator.clipboard.writeText(text).then(
      () => notifier.info(`Copied the ${what}`, shown),
      () => notifier.error(`Could not copy the ${what}`, shown),
    );
  };
}
