import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { importedStatus } from './importStatus.ts';

const key = (name: string, gatewayAccepts: boolean): KeyInfo => ({
  id: name,
  name,
  type: gatewayAccepts ? 'ssh-rsa' : 'ssh-ed25519',
  bits: 256,
  fingerprints: { sha256: `SHA256:${name}`, md5: '00' },
  publicKey: `ssh-ed25519 AAAA ${name}`,
  createdAt: '2024-01-01T00:00:00.000Z',
  origin: 'imported',
  gatewayAccepts,
  ...(gatewayAccepts ? {} : { warning: 'The SSH gateway accepts RSA keys only.' }),
});

describe('importedStatus', () => {
  it('asks for the dashboard only when a key the gateway takes came in', () => {
    expect(importedStatus([])).toBeUndefined();
    expect(importedStatus([key('rsa', true)])).toBe(
      'Imported rsa (SHA256:rsa). Add it to the dashboard to use it.',
    );
    expect(importedStatus([key('ed', false)])).toBe('Imported ed (SHA256:ed).');
  });
});
