import { describe, expect, it } from 'vitest';
import { sourceKey as addressKey } from '../../src/sourceKey.ts';
import { KnownAddresses } from '../../src/api/KnownAddresses.ts';
import { LoginThrottle, type Attempt } from '../../src/api/LoginThrottle.ts';
import { ProgressiveDelay, type DelayPolicy } from '../../src/api/ProgressiveDelay.ts';

const POLICY: DelayPolicy = {
  freeFailures: 2,
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  forgetAfterMs: 60_000,
  maxInFlight: 4,
};

function table(maxTracked = 100) {
  let now = 0;
  const delay = new ProgressiveDelay(POLICY, maxTracked, () => now);
  const fail = (key: string) => {
    expect(delay.admit(key)).toBe(0);
    delay.failed(key);
  };
  return { delay, fail, advance: (ms: number) => (now += ms) };
}

describe('ProgressiveDelay', () => {
  it('lets the free failures through, then doubles the wait up to the cap', () => {
    const { delay, fail, advance } = table();
    fail('k');
    fail('k');
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const wait = delay.admit('k');
      waits.push(wait);
      advance(wait);
      fail('k');
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('does not move the wait for tries refused as early, and a right one after it resets', () => {
    const { delay, fail, advance } = table();
    fail('k');
    fail('k');
    expect(delay.admit('k')).toBe(1000);
    advance(600);
    expect(delay.admit('k')).toBe(400);
    advance(400);
    expect(delay.admit('k')).toBe(0);
    delay.succeeded('k', true);
    expect(delay.size).toBe(0);
  });

  it('admits attempts beyond the free ones one at a time while one is being checked', () => {
    const { delay } = table();
    expect([delay.admit('k'), delay.admit('k')]).toEqual([0, 0]);
    expect(delay.admit('k')).toBeGreaterThan(0);
    delay.release('k');
    expect(delay.admit('k')).toBe(0);
  });

  it('forgets a key after a quiet while', () => {
    const { delay, fail, advance } = table();
    fail('forgotten');
    fail('forgotten');
    advance(1);
    fail('remembered');
    fail('remembered');
    advance(59_999);
    fail('remembered');
    fail('forgotten');
    expect(delay.admit('remembered')).toBe(2000);
    expect(delay.admit('forgotten')).toBe(0);
  });

  it('stays within its bound and never pushes out a live delay for keys that barely failed', () => {
    const { delay, fail, advance } = table(100);
    fail('victim');
    fail('victim');
    advance(1000);
    fail('victim');
    const wait = delay.admit('victim');
    expect(wait).toBe(2000);
    for (let i = 0; i < 10_000; i++) fail(`other${i}`);
    expect(delay.size).toBeLessThanOrEqual(100);
    expect(delay.admit('victim')).toBe(wait);
  });
});

describe('LoginThrottle', () => {
  it('bounds every table: 100,000 logins, addresses and sessions failing once each', () => {
    const throttle = new LoginThrottle({ maxTracked: 1000, now: () => 0 });
    for (let i = 0; i < 100_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      (throttle.admitPassword(`user${i}@x`, address) as Attempt).failed();
      (throttle.admitCode(`user${i}@x`, address, `session${i}`) as Attempt).failed();
      (throttle.admitPassword(`user${i}@x`, address) as Attempt).succeeded(true);
    }
    for (const [table, size] of Object.entries(throttle.sizes())) {
      expect(size, table).toBeLessThanOrEqual(1000);
    }
  });

  it('settles an attempt once, however often it is told', () => {
    const throttle = new LoginThrottle({ login: { ...POLICY, freeFailures: 2 }, now: () => 0 });
    const attempt = throttle.admitPassword('a@x', '10.0.0.1') as Attempt;
    attempt.failed();
    attempt.failed();
    attempt.abandoned();
    // One failure of two free: the next attempt is admitted at once.
    expect(throttle.admitPassword('a@x', '10.0.0.2').refused).toBeUndefined();
  });
});

describe('KnownAddresses', () => {
  it('remembers the latest 4 addresses of a login for a while, and a bounded number of logins', () => {
    let now = 0;
    const known = new KnownAddresses(1000, 2, () => now);
    for (const address of ['a', 'b', 'c', 'd', 'e']) known.remember('x', address);
    expect(['a', 'b', 'c', 'd', 'e'].map((address) => known.has('x', address))).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
    now = 1000;
    expect(known.has('x', 'e')).toBe(false);
    known.remember('y', 'a');
    known.remember('z', 'a');
    expect(known.size).toBe(2);
    expect(known.has('x', 'b')).toBe(false);
  });
});

describe('addressKey', () => {
  it('counts IPv4 alone, IPv4-mapped as IPv4, IPv6 by /64', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('not an address')).toBe('unknown');
  });
});
