import { useCallback, useState } from 'react';
import { EnvironmentStatus, environmentStatusLabel } from '../../../shared/src/environment.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

export type EnvironmentChange = 'start' | 'stop' | 'sleep';

/** What the sidebar says while the platform works on a change (it answers only when done). */
export const CHANGE_PROGRESS: Record<EnvironmentChange, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  sleep: 'Going to sleep…',
};

/** Which changes the platform accepts from a status (as the dashboard offers them). */
export function allowedChanges(status: number): EnvironmentChange[] {
  if (status === EnvironmentStatus.Running) return ['stop', 'sleep'];
  if (status === EnvironmentStatus.Down) return ['start'];
  if (status === EnvironmentStatus.Sleep) return ['start', 'stop'];
  return [];
}

export interface EnvironmentChanges {
  /** The change each environment is going through, by name, while the platform works on it. */
  pending: Readonly<Record<string, EnvironmentChange>>;
  run(envName: string, change: EnvironmentChange): void;
}

/**
 * Starts, stops and puts environments to sleep. The core re-reads the list when the platform is
 * done, and its `environments` event redraws the tree in every window; a refusal is shown in the
 * platform's words (e.g. a token that may not stop environments).
 */
export function useEnvironmentChanges(): EnvironmentChanges {
  const core = useCore();
  const notifier = useNotifier();
  const [pending, setPending] = useState<Record<string, EnvironmentChange>>({});
  const run = useCallback(
    (envName: string, change: EnvironmentChange) => {
      setPending((current) => ({ ...current, [envName]: change }));
      const call =
        change === 'start'
          ? core.platform.startEnvironment(envName)
          : change === 'stop'
            ? core.platform.stopEnvironment(envName)
            : core.platform.sleepEnvironment(envName);
      call
        .then(
          (env) => notifier.info(`${envName} is ${environmentStatusLabel(env.status).toLowerCase()}`),
          (error: unknown) => notifier.error(`Could not ${change} ${envName}`, errorMessage(error)),
        )
        .finally(() => setPending(({ [envName]: _done, ...rest }) => rest));
    },
    [core, notifier],
  );
  return { pending, run };
}
