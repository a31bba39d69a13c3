import { describe, expect, it } from 'vitest';
import { parseGatewayUser, sftpCommand, sshCommand } from '../../shared/src/gatewayAddress.ts';

describe('gateway user names', () => {
  it('reads the menu and node forms', () => {
    expect(parseGatewayUser('4856')).toEqual({ kind: 'menu', uid: 4856 });
    expect(parseGatewayUser('518839-4856')).toEqual({ kind: 'node', uid: 4856, nodeId: 518839 });
  });

  it.each(['abc', '1-2-3', '-4856', '4856-', '0', '0123', '4856 ', '४८५६', '1'.repeat(10_000), ''])(
    'refuses %j',
    (name) => {
      expect(parseGatewayUser(name)).toBeUndefined();
    },
  );
});

describe('command lines for scripts', () => {
  const gateway = { host: 'sshgateway.io', port: 3022 };
  it('spell the port as each client wants it', () => {
    expect(sshCommand(gateway, 518839, 4856)).toBe('ssh 518839-4856@sshgateway.io -p 3022');
    expect(sftpCommand(gateway, 518839, 4856)).toBe('sftp -P 3022 518839-4856@sshgateway.io');
    expect(sshCommand({ host: 'h', port: 22 }, 1, 2)).toBe('ssh 1-2@h');
  });
});
