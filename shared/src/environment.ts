/** `env.status` codes of the Jelastic API, as the app shows them. */
export const EnvironmentStatus = {
  Running: 1,
  Down: 2,
  Launching: 3,
  Sleep: 4,
  /** The platform's word for 5 (liip/jelapi's list); an older table called it Unknown. */
  Suspended: 5,
  Creating: 6,
  Cloning: 7,
  NotExists: 8,
  Exporting: 9,
  Migrating: 10,
  Broken: 11,
  Updating: 12,
  Stopping: 13,
  GoingToSleep: 14,
  Restoring: 15,
} as const;
export type EnvironmentStatus = (typeof EnvironmentStatus)[keyof typeof EnvironmentStatus];

const LABELS: Record<EnvironmentStatus, string> = {
  1: 'Running',
  2: 'Stopped',
  3: 'Launching',
  4: 'Sleeping',
  5: 'Suspended',
  6: 'Creating',
  7: 'Cloning',
  8: 'Does not exist',
  9: 'Exporting',
  10: 'Migrating',
  11: 'Broken',
  12: 'Updating',
  13: 'Stopping',
  14: 'Going to sleep',
  15: 'Restoring',
};

/** The word the dashboard uses for a status; unknown codes read as "Unknown (N)". */
export function environmentStatusLabel(status: number): string {
  return LABELS[status as EnvironmentStatus] ?? `Unknown (${status})`;
}

/** Only running environments can be entered through the SSH gateway. */
export function canEnter(status: number): boolean {
  return status === EnvironmentStatus.Running;
}
