import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';
import { blobOf, matchKeys } from './keyMatching.ts';

const local = (id: string, blob: string): KeyInfo => ({
  id,
  name: `local ${id}`,
  type: 'ssh-rsa',
  bits: 2048,
  fingerprints: { sha256: `SHA256:${id}`, md5: id },
  publicKey: `ssh-rsa ${blob} local ${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  origin: 'generated',
});
const remote = (id: number, blob: string): DashboardKey => ({
  id,
  title: `dashboard ${id}`,
  publicKey: `ssh-rsa ${blob}`,
  fingerprint: `${id}`,
});

describe('matching this device’s keys with the dashboard’s', () => {
  it('matches on the blob whatever the titles and spacing', () => {
    expect(blobOf('  ssh-ed25519   AAAAC3  a comment ')).toBe('AAAAC3');
    expect(blobOf('garbage')).toBe('');
    const match = matchKeys(
      [local('a', 'AAAA1'), local('b', 'AAAA2')],
      [remote(1, 'AAAA1'), remote(2, 'AAAA3'), remote(3, 'AAAA1')],
    );
    expect(match.local.map((l) => l.onDashboard.map((d) => d.id))).toEqual([[1, 3], []]);
    expect(match.dashboardOnly.map((d) => d.id)).toEqual([2]);
  });

  it('lists the device’s keys alone when the dashboard could not be read', () => {
    const match = matchKeys([local('a', 'AAAA1')], undefined);
    expect(match.local[0]?.onDashboard).toEqual([]);
    expect(match.dashboardOnly).toEqual([]);
  });
});
