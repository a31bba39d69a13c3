import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../electron/core/transfers/ProgressMeter.ts';

describe('ProgressMeter', () => {
  it('gives a rate from the first event on, before its first full sample', () => {
    let now = 0;
    const meter = new ProgressMeter(0, 100_000_000, 100, () => now);
    now = 150;
    meter.set(15_000_000, 100_000_000);
    const event = meter.due('job');
    expect(event?.rate).toBe(100_000_000);
    expect(event?.eta).toBe(1);
  });

  it('sends at most one event per interval', () => {
    let now = 0;
    const meter = new ProgressMeter(0, 1000, 100, () => now);
    now = 50;
    expect(meter.due('job')).toBeUndefined();
    now = 100;
    expect(meter.due('job')).toBeDefined();
    now = 150;
    expect(meter.due('job')).toBeUndefined();
  });
});
