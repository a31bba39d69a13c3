import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../src/api/LoginThrottle.ts';

describe('LoginThrottle', () => {
  const make = () => {
    let now = 0;
    const throttle = new LoginThrottle({
      maxFailures: 3,
      windowMs: 1000,
      lockMs: 5000,
      maxTracked: 2,
      now: () => now,
    });
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it('locks after the maximum failures within the window, and the lock expires', () => {
    const { throttle, advance } = make();
    throttle.recordFailure('a@x');
    throttle.recordFailure('A@X ');
    expect(throttle.retryAfter('a@x')).toBe(0);
    throttle.recordFailure('a@x');
    expect(throttle.retryAfter('a@x')).toBe(5000);
    advance(4999);
    expect(throttle.retryAfter('a@x')).toBe(1);
    advance(1);
    expect(throttle.retryAfter('a@x')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { throttle, advance } = make();
    throttle.recordFailure('a@x');
    throttle.recordFailure('a@x');
    advance(1000);
    throttle.recordFailure('a@x');
    expect(throttle.retryAfter('a@x')).toBe(0);
  });

  it('clears the count on success', () => {
    const { throttle } = make();
    throttle.recordFailure('a@x');
    throttle.recordFailure('a@x');
    throttle.recordSuccess('a@x');
    throttle.recordFailure('a@x');
    expect(throttle.retryAfter('a@x')).toBe(0);
  });

  it('tracks a bounded number of logins', () => {
    const { throttle } = make();
    for (const login of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) throttle.recordFailure(login);
    expect(throttle.retryAfter('a')).toBe(0);
    expect(throttle.retryAfter('b')).toBeGreaterThan(0);
    expect(throttle.retryAfter('c')).toBeGreaterThan(0);
  });
});
