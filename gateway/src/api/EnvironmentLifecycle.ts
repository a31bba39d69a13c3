/**
 * What happens to an environment's nodes when it is started or stopped. The sandbox starts and
 * stops the nodes' sshd processes; a bare API (tests of the API alone) may do nothing.
 */
export interface EnvironmentLifecycle {
  start(envName: string): Promise<void>;
  stop(envName: string): Promise<void>;
}

/**
 * A lifecycle whose every change takes `ms` longer, as a real platform's take a minute or more: the
 * API shows the environment as Launching / Stopping meanwhile, so a client has to show progress
 * and cannot take an instant answer for granted.
 */
export function pacedLifecycle(inner: EnvironmentLifecycle, ms: number): EnvironmentLifecycle {
  if (ms <= 0) return inner;
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return {
    start: async (envName) => {
      await pause();
      await inner.start(envName);
    },
    stop: async (envName) => {
      await pause();
      await inner.stop(envName);
    },
  };
}
