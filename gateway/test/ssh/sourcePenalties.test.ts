import { describe, expect, it } from 'vitest';
import { SourcePenalties } from '../../src/ssh/SourcePenalties.ts';
import { sourceKey } from '../../src/sourceKey.ts';

/**
 * SourcePenalties with an injected clock: a live block survives any amount of spraying from other
 * sources, IPv6 is counted per /64, and memory stays bounded by entry count.
 */
const RULES = { failures: 5, windowMs: 15 * 60_000, blockMs: 30 * 60_000 };

function v4(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
}

function penalise(penalties: SourcePenalties, address: string, times: number): void {
  for (let i = 0; i < times; i++) penalties.recordFailure(sourceKey(address));
}

describe('sourceKey', () => {
  it('keys IPv4 per address, IPv4-mapped IPv6 as IPv4, IPv6 by /64', () => {
    expect(sourceKey('127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });
});

describe('SourcePenalties', () => {
  it('keeps an active block while 10,000+ other addresses fail once each', () => {
    let now = 0;
    const penalties = new SourcePenalties(RULES, () => now);
    penalise(penalties, '127.0.0.2', 5);
    expect(penalties.blockedFor('127.0.0.2')).toBeGreaterThan(0);
    for (let i = 0; i < 12_000; i++) {
      now += 1;
      penalties.recordFailure(sourceKey(v4(i)));
    }
    expect(penalties.blockedFor('127.0.0.2')).toBeGreaterThan(0);
    now += RULES.blockMs;
    expect(penalties.blockedFor('127.0.0.2')).toBe(0);
  });

  it('counts every address in one IPv6 /64 as one source', () => {
    const penalties = new SourcePenalties(RULES, () => 0);
    for (let i = 1; i <= 5; i++) penalties.recordFailure(sourceKey(`2001:db8:aa:bb::${i.toString(16)}`));
    expect(penalties.trackedSources).toBe(1);
    expect(penalties.blockedFor(sourceKey('2001:db8:aa:bb:dead:beef:0:1'))).toBeGreaterThan(0);
    expect(penalties.blockedFor(sourceKey('2001:db8:aa:bc::1'))).toBe(0);
  });

  it('stays bounded in entries under a spray, and beyond the block cap lets new offenders through', () => {
    let now = 0;
    const limits = { maxCounting: 100, maxBlocked: 10 };
    const penalties = new SourcePenalties(RULES, () => now, limits);
    for (let i = 0; i < 5_000; i++) penalties.recordFailure(sourceKey(v4(i)));
    expect(penalties.trackedSources).toBeLessThanOrEqual(110);
    for (let i = 0; i < 20; i++) penalise(penalties, `192.168.0.${i}`, 5);
    expect(penalties.trackedSources).toBeLessThanOrEqual(110);
    // The first ten offenders stay blocked (never evicted); the next ten overflow (permissive).
    for (let i = 0; i < 10; i++) expect(penalties.blockedFor(`192.168.0.${i}`)).toBeGreaterThan(0);
    for (let i = 10; i < 20; i++) expect(penalties.blockedFor(`192.168.0.${i}`)).toBe(0);
    expect(penalties.overflowed).toBeGreaterThan(0);
    // Once the blocks expire there is room again.
    now += RULES.blockMs;
    penalise(penalties, '192.168.0.99', 5);
    expect(penalties.blockedFor('192.168.0.99')).toBeGreaterThan(0);
  });
});
