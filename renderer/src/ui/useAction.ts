import { useCallback, useState } from 'react';
import { errorMessage } from './errorMessage.ts';

export interface ActionOptions {
  /**
   * Stay busy after a success, for screens that the success closes or replaces (a dialog whose
   * `onDone` closes it, Sign out whose `signedOut` event brings the first-run screens): the controls
   * stay disabled until the screen is gone, so nothing can be pressed twice in between.
   */
  keepBusyOnSuccess?: boolean;
  /** Added after the reason when a bare reason would not tell the user what to do next. */
  failureHint?: string;
}

interface ActionState {
  setBusy: (busy: boolean) => void;
  setError: (error: string | undefined) => void;
}

/**
 * The steps of `useAction`'s `run`, apart from React so they can be tested in Node. The reason is
 * shown inline instead of thrown, so it never rejects.
 */
export async function runAction(
  action: () => Promise<void>,
  state: ActionState,
  options: ActionOptions = {},
): Promise<void> {
  state.setError(undefined);
  state.setBusy(true);
  try {
    await action();
    if (!options.keepBusyOnSuccess) state.setBusy(false);
  } catch (e) {
    state.setError(options.failureHint ? `${errorMessage(e)} ${options.failureHint}` : errorMessage(e));
    state.setBusy(false);
  }
}

/**
 * A screen's async action with the state its controls need: `busy` while it runs, and the last
 * failure's reason for an `InlineError` until the next try. `setError` is for problems found before
 * anything runs (a form's own checks, a failed load).
 */
export function useAction(options: ActionOptions = {}) {
  const { keepBusyOnSuccess = false, failureHint } = options;
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Stable across renders, so an effect that runs the action on mount does not run it again each
  // render; the options are taken apart for the same reason (callers pass a fresh object).
  const run = useCallback(
    (action: () => Promise<void>) =>
      runAction(action, { setBusy, setError }, { keepBusyOnSuccess, failureHint }),
    [keepBusyOnSuccess, failureHint],
  );
  return { busy, error, setError, run };
}
