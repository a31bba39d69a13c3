import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkedGatewayAddress, sftpCommand, sshCommand } from '../../shared/src/gatewayAddress.ts';
import { InvalidInput } from '../../shared/src/errors.ts';

const host = (text: string): string => checkedGatewayAddress({ host: text, port: 3022 }).host;

describe('gateway host names as typed', () => {
  it('takes DNS names, IPv4 and IPv6 addresses, in a canonical form', () => {
    expect(host(' SSHGateway.io ')).toBe('sshgateway.io');
    expect(host('gate-1.j.layershift.co.uk')).toBe('gate-1.j.layershift.co.uk');
    expect(host('localhost')).toBe('localhost');
    expect(host('203.0.113.5')).toBe('203.0.113.5');
    expect(host('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(host('::1')).toBe('::1');
    expect(host('a'.repeat(63) + '.example')).toBe('a'.repeat(63) + '.example');
  });

  it.each([
    'gate.example * ssh-rsa AAAA',
    'gate.example\n* ssh-ed25519 AAAA',
    'gate.example,*',
    '*',
    'gate?.example',
    '!gate.example',
    '|1|c2FsdA==|aGFzaA==',
    '@revoked',
    '-oProxyCommand=id',
    'gate-.example',
    'gate..example',
    'gate_1.example',
    'a'.repeat(64) + '.example',
    `${'abcdefghi.'.repeat(26)}com`,
    '256.1.1.1',
    '1.2.3',
    '[::1',
    '[gate.example]',
    'fe80::1%eth0',
    'gate.example:3022',
    'user@gate.example',
    'gate.example;id',
    '$(id)',
    'gäte.example',
    '',
  ])('refuses %j, saying what a host may be', (text) => {
    expect(() => host(text)).toThrow(InvalidInput);
    expect(() => host(text)).toThrow(/DNS name .* IPv4 address .* IPv6 address/);
  });

  it.each([0, 65536, 3.5, Number.NaN])('refuses port %s', (port) => {
    expect(() => checkedGatewayAddress({ host: 'gate.example', port })).toThrow(/port .*1 to 65535/);
  });
});

describe('copied command lines', () => {
  it('quote a host that a shell would read as more than a name', () => {
    // A profile written by an older version may hold anything; the clipboard must not run it.
    const hostile = { host: 'gate.example;touch${IFS}/tmp/x', port: 3022 };
    expect(sshCommand(hostile, 1, 2)).toBe("ssh '1-2@gate.example;touch${IFS}/tmp/x' -p 3022");
    const words = execFileSync('sh', ['-c', `printf '%s\\0' ${sftpCommand(hostile, 1, 2)}`])
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual(['sftp', '-P', '3022', '1-2@gate.example;touch${IFS}/tmp/x']);
  });

  it('bracket an IPv6 gateway for sftp, which reads a colon as the start of a path', () => {
    expect(sshCommand({ host: '2001:db8::1', port: 3022 }, 1, 2)).toBe('ssh 1-2@2001:db8::1 -p 3022');
    expect(sftpCommand({ host: '2001:db8::1', port: 3022 }, 1, 2)).toBe("sftp -P 3022 '1-2@[2001:db8::1]'");
  });
});
