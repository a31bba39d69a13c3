import { canEnter, environmentStatusLabel } from '../../../shared/src/environment.ts';
import type { EnvironmentList } from '../../../shared/src/platformService.ts';
import type { EnvironmentChange } from './useEnvironmentChanges.ts';

/**
 * Why a node's tab cannot be connected whatever it retries: its environment is stopped, asleep, or
 * being stopped from this app. Undefined while it runs, or when the list is an offline copy (its
 * statuses may be old; the gateway's answer then says what is wrong).
 */
export function environmentHold(
  list: EnvironmentList | null,
  pending: Readonly<Record<string, EnvironmentChange>>,
  envName: string,
): string | undefined {
  const change = pending[envName];
  if (change === 'stop' || change === 'sleep')
    return `Environment ${envName} is being ${change === 'stop' ? 'stopped' : 'put to sleep'} from this app: its sessions end. This tab reconnects when it is started again.`;
  if (!list || list.offline) return undefined;
  const env = list.environments.find((candidate) => candidate.envName === envName);
  if (!env || canEnter(env.status)) return undefined;
  return `Environment ${envName} is ${environmentStatusLabel(env.status).toLowerCase()}: its nodes are down. Start it from the sidebar (⋯ → Start); this tab reconnects when it runs.`;
}
