import { describe, expect, it } from 'vitest';
import { canEnter, environmentStatusLabel, EnvironmentStatus } from '../../shared/src/environment.ts';

describe('environment status', () => {
  it('lets only running environments be entered', () => {
    expect(canEnter(EnvironmentStatus.Running)).toBe(true);
    for (const status of [2, 3, 4, 11, 13, 99]) expect(canEnter(status)).toBe(false);
  });

  it('labels known and unknown codes', () => {
    expect(environmentStatusLabel(2)).toBe('Stopped');
    expect(environmentStatusLabel(99)).toBe('Unknown (99)');
  });
});
