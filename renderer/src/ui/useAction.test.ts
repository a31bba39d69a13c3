import { describe, expect, it } from 'vitest';
import { runAction } from './useAction.ts';

/** Records every state change in order, as the screen would see them. */
function recorder() {
  const changes: string[] = [];
  return {
    changes,
    state: {
      setBusy: (busy: boolean) => changes.push(`busy ${busy}`),
      setError: (error: string | undefined) => changes.push(`error ${error ?? '-'}`),
    },
  };
}

describe('running a screen’s action', () => {
  it('clears the last error and is busy only while the action runs', async () => {
    const { changes, state } = recorder();
    await runAction(async () => void changes.push('action'), state);
    expect(changes).toEqual(['error -', 'busy true', 'action', 'busy false']);
  });

  it('shows the reason of a failure and is no longer busy', async () => {
    const { changes, state } = recorder();
    await runAction(() => Promise.reject(new Error('Wrong password.')), state);
    expect(changes).toEqual(['error -', 'busy true', 'error Wrong password.', 'busy false']);
  });

  it('stays busy after a success when asked to, but not after a failure', async () => {
    const ok = recorder();
    await runAction(async () => undefined, ok.state, { keepBusyOnSuccess: true });
    expect(ok.changes).toEqual(['error -', 'busy true']);

    const failed = recorder();
    await runAction(() => Promise.reject(new Error('Offline.')), failed.state, { keepBusyOnSuccess: true });
    expect(failed.changes).toEqual(['error -', 'busy true', 'error Offline.', 'busy false']);
  });

  it('adds the hint after the reason, and takes thrown values that are not errors', async () => {
    const { changes, state } = recorder();
    await runAction(() => Promise.reject(new Error('EACCES.')), state, { failureHint: 'Try again.' });
    await runAction(() => Promise.reject('plain text'), state);
    expect(changes.filter((c) => c.startsWith('error ') && c !== 'error -')).toEqual([
      'error EACCES. Try again.',
      'error plain text',
    ]);
  });
});
