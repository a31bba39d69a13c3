import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';

/**
 * The base64 blob of an OpenSSH public key line: what identifies a key. Titles and comments differ
 * between the device and the dashboard (either can be renamed), so keys are matched on this, as
 * the core's `syncKey` does.
 */
export const blobOf = (publicKey: string): string => publicKey.trim().split(/\s+/)[1] ?? '';

export interface KeyMatch {
  /** This device's keys, each with the dashboard keys that hold its public half (usually one). */
  local: { key: KeyInfo; onDashboard: DashboardKey[] }[];
  /** Dashboard keys whose private half is not on this device. */
  dashboardOnly: DashboardKey[];
}

/** Pairs this device's keys with the dashboard's; `dashboard` undefined when it could not be read. */
export function matchKeys(local: KeyInfo[], dashboard: DashboardKey[] | undefined): KeyMatch {
  const remote = dashboard ?? [];
  const localBlobs = new Set(local.map((key) => blobOf(key.publicKey)));
  return {
    local: local.map((key) => ({
      key,
      onDashboard: remote.filter((d) => blobOf(d.publicKey) === blobOf(key.publicKey)),
    })),
    dashboardOnly: remote.filter((d) => !localBlobs.has(blobOf(d.publicKey))),
  };
}
