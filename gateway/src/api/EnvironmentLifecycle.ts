/**
 * What happens to an environment's nodes when it is started or stopped. The sandbox starts and
 * stops the nodes' sshd processes; a bare API (tests of the API alone) may do nothing.
 */
export interface EnvironmentLifecycle {
  start(envName: string): Promise<void>;
  stop(envName: string): Promise<void>;
}
