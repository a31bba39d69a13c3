import { describe, expect, it } from 'vitest';
import {
  chooseGatewayKeys,
  MAX_OFFERED_KEYS,
  noKeyReason,
} from '../../../electron/core/ssh/gatewayIdentities.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';

/** The choice itself, on key lists as the vault keeps them (the sandbox tests see it at work). */
let serial = 0;
function key(name: string, type: KeyInfo['type'] = 'ssh-rsa'): KeyInfo {
  serial++;
  return {
    id: name,
    name,
    type,
    bits: type === 'ssh-rsa' ? 3072 : 256,
    fingerprints: { sha256: `SHA256:${name}`, md5: '00' },
    publicKey: `${type} BLOB${name} ${name}`,
    createdAt: new Date(Date.UTC(2024, 0, serial)).toISOString(),
    origin: 'generated',
  };
}
const rsaOnly = ['ssh-rsa'];
const names = (keys: readonly KeyInfo[]) => keys.map((k) => k.name);

describe('chooseGatewayKeys', () => {
  const old = key('old');
  const mid = key('mid');
  const edNew = key('edNew', 'ssh-ed25519');
  const unsynced = key('unsynced');
  const keys = [old, mid, edNew, unsynced];
  const dashboard = new Set(['BLOBold', 'BLOBmid', 'BLOBedNew']);

  it('offers the dashboard’s keys of accepted types, newest first', () => {
    const choice = chooseGatewayKeys({ keys, acceptedTypes: rsaOnly, dashboard });
    expect(names(choice.offered)).toEqual(['mid', 'old']);
    expect(choice.left.map((l) => [l.key.name, l.reason])).toEqual([
      ['unsynced', 'not on the dashboard'],
      ['edNew', 'the gateway accepts RSA keys only'],
    ]);
  });

  it('puts the chosen key first, on the dashboard or not', () => {
    const choice = chooseGatewayKeys({ keys, chosenId: 'unsynced', acceptedTypes: rsaOnly, dashboard });
    expect(names(choice.offered)).toEqual(['unsynced', 'mid', 'old']);
    expect(
      names(chooseGatewayKeys({ keys, chosenId: 'old', acceptedTypes: rsaOnly, dashboard }).offered),
    ).toEqual(['old', 'mid']);
  });

  it('never offers a refused type, even chosen; a gateway that takes it gets it', () => {
    const choice = chooseGatewayKeys({ keys, chosenId: 'edNew', acceptedTypes: rsaOnly, dashboard });
    expect(names(choice.offered)).toEqual(['mid', 'old']);
    const wider = chooseGatewayKeys({
      keys,
      chosenId: 'edNew',
      acceptedTypes: ['ssh-rsa', 'ssh-ed25519'],
      dashboard,
    });
    expect(names(wider.offered)).toEqual(['edNew', 'mid', 'old']);
  });

  it('offers every accepted key when the dashboard is unknown', () => {
    expect(names(chooseGatewayKeys({ keys, acceptedTypes: rsaOnly }).offered)).toEqual([
      'unsynced',
      'mid',
      'old',
    ]);
  });

  it('stops one short of the gateway’s auth-try limit', () => {
    const many = Array.from({ length: 8 }, (_, i) => key(`k${i}`));
    const choice = chooseGatewayKeys({ keys: many, chosenId: 'k0', acceptedTypes: rsaOnly });
    expect(MAX_OFFERED_KEYS).toBe(5);
    expect(names(choice.offered)).toEqual(['k0', 'k7', 'k6', 'k5', 'k4']);
    expect(choice.left.map((l) => l.reason)).toEqual(
      Array(3).fill('the gateway takes at most 5 keys per sign-in'),
    );
  });
});

describe('noKeyReason', () => {
  const policy = { platform: 'Enscale', keyTypes: rsaOnly };

  it('says what is missing and what to do', () => {
    expect(noKeyReason([], policy)).toBe(
      'there is no SSH key on this device yet. Generate an RSA key (Keys → Generate) and sync it (Keys → Sync).',
    );
    expect(noKeyReason([key('a', 'ssh-ed25519'), key('b', 'ssh-ed25519')], policy)).toBe(
      'only Ed25519 keys are on this device; the gateway of Enscale accepts RSA keys only. ' +
        'Generate an RSA key (Keys → Generate) and sync it (Keys → Sync).',
    );
    expect(noKeyReason([key('laptop'), key('c', 'ssh-ed25519')], policy)).toBe(
      "none of this device's RSA keys (“laptop”) is on the dashboard. Sync one (Keys → Sync) and try again.",
    );
  });
});
