import { describe, expect, it } from 'vitest';
import { describeUserName, formatGatewayUser, parseGatewayUser } from '../../src/ssh/gatewayUser.ts';

describe('gateway user names', () => {
  it('reads UID as the menu and NODEID-UID as direct access', () => {
    expect(parseGatewayUser('4856')).toEqual({ mode: 'menu', uid: 4856 });
    expect(parseGatewayUser('518839-4856')).toEqual({ mode: 'direct', uid: 4856, nodeId: 518839 });
    expect(parseGatewayUser('2147483647')).toEqual({ mode: 'menu', uid: 2147483647 });
  });

  it.each([
    'abc',
    '1-2-3',
    '-4856',
    '4856-',
    '518839--4856',
    '',
    '0',
    '04856',
    '518839-0',
    '2147483648',
    '4'.repeat(10_000),
    'ü4856',
    '４８５６',
    '4856 ',
    ' 4856',
    '4856\n',
    '4856\u0000',
    '518839_4856',
    '+4856',
    '4856.0',
    '1e3',
  ])('refuses %j', (name) => {
    expect(parseGatewayUser(name)).toBeUndefined();
  });

  it('formats the canonical form back', () => {
    expect(formatGatewayUser({ mode: 'direct', uid: 4856, nodeId: 518839 })).toBe('518839-4856');
    expect(formatGatewayUser({ mode: 'menu', uid: 4856 })).toBe('4856');
  });

  it('describes any name safely for a log line', () => {
    expect(describeUserName('518839-4856')).toBe('518839-4856');
    expect(describeUserName('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
    const long = describeUserName('9'.repeat(10_000));
    expect(long.length).toBeLessThan(100);
    expect(long).toContain('(10000 chars)');
  });
});
