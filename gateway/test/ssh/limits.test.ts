import { describe, expect, it } from 'vitest';
import { fingerprintSha256 } from '../../src/keys/publicKey.ts';
import { parsePublicKey } from '../../src/keys/publicKey.ts';
import {
  DEFAULT_GATEWAY_OPTIONS,
  GatewayOptionsError,
  resolveGatewayOptions,
} from '../../src/ssh/GatewayOptions.ts';
import { KeyPolicy, parseKeyTypes } from '../../src/ssh/KeyPolicy.ts';
import { SourcePenalties } from '../../src/ssh/SourcePenalties.ts';

// Real public keys (made with ssh-keygen) so that sizes are read from actual blobs.
const RSA_2048 =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCvZLKxQ3O9kbt5juHpNIM/m0KjCzbpQaL7baV39h7amUW+4wjDoV3sL2EsBCnDKg+TP8GvNWeAlZMWIZ420ChL1pFmnXHWkOxe2bxt6axZJArybEhD+UP7cI7hPJ6CEKo6i17lUSRMgjN9z9yzhtN2mFG9+abJKDmCbxgmvxViNzg+0I57ws/RB4iMnlyYCcnHSrDrpvp6hLCtBzZf3T46H9c+dkLBE7MMh2Wq2Wq2RU/sPtzb0B7w/S/J8aQsJJkE4sDtWm6Bef1aA0PRLE+UFEiPCYFAsKNnnmbEAkSlae1nVNVg2ZL2TJYuQWIQ5+zC0jZY/doj7rwtIbNpZhMH';
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMdAb4EvZKDgeQf5pU3NI0c0FwLK1bS8QcXfTjV3bIwK';

describe('key policy', () => {
  const blob = (line: string) => parsePublicKey(line).blob;

  it('accepts RSA of 2048 bits and more by default, like the real service', () => {
    const policy = new KeyPolicy(DEFAULT_GATEWAY_OPTIONS.keyTypes, DEFAULT_GATEWAY_OPTIONS.minRsaBits);
    expect(policy.evaluate('ssh-rsa', blob(RSA_2048))).toEqual({
      accepted: true,
      algorithm: 'ssh-rsa',
      bits: 2048,
    });
    expect(policy.evaluate('ssh-ed25519', blob(ED25519))).toMatchObject({
      accepted: false,
      reason: 'ed25519 keys are not accepted here (accepted: rsa)',
    });
  });

  it('refuses short RSA keys with the numbers in the reason', () => {
    const policy = new KeyPolicy(['rsa'], 3072);
    expect(policy.evaluate('ssh-rsa', blob(RSA_2048))).toMatchObject({
      accepted: false,
      reason: 'RSA key of 2048 bits is too short (at least 3072 required)',
    });
  });

  it('never accepts DSA, and names unknown types safely', () => {
    const policy = new KeyPolicy(['rsa', 'ed25519', 'ecdsa'], 2048);
    expect(policy.evaluate('ssh-dss', Buffer.alloc(0))).toMatchObject({
      accepted: false,
      reason: 'DSA keys are never accepted',
    });
    expect(policy.evaluate('x-\u001bevil', Buffer.alloc(0))).toMatchObject({
      accepted: false,
      reason: 'key type "x-?evil" is not supported',
    });
    expect(policy.evaluate('ssh-ed25519', blob(ED25519))).toMatchObject({ accepted: true, bits: 256 });
  });

  it('parses --key-types and refuses DSA or unknown names there too', () => {
    expect(parseKeyTypes('rsa, ED25519,ecdsa,rsa')).toEqual(['rsa', 'ed25519', 'ecdsa']);
    expect(() => parseKeyTypes('rsa,dsa')).toThrow(/DSA keys cannot be enabled/);
    expect(() => parseKeyTypes('rsa,ed448')).toThrow(
      /Unknown key type "ed448": choose from rsa, ed25519, ecdsa/,
    );
    expect(() => parseKeyTypes(' , ')).toThrow(/at least one/);
  });
});

describe('per-source penalties', () => {
  it('blocks a source after N failures inside the window, for the block time', () => {
    let now = 1_000_000;
    const penalties = new SourcePenalties({ failures: 3, windowMs: 60_000, blockMs: 30_000 }, () => now);
    expect(penalties.recordFailure('10.0.0.1')).toBe('counted');
    now += 10_000;
    expect(penalties.recordFailure('10.0.0.1')).toBe('counted');
    expect(penalties.blockedFor('10.0.0.1')).toBe(0);
    expect(penalties.recordFailure('10.0.0.1')).toBe('blocked');
    expect(penalties.blockedFor('10.0.0.1')).toBe(30_000);
    expect(penalties.blockedFor('10.0.0.2')).toBe(0);
    now += 30_000;
    expect(penalties.blockedFor('10.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const penalties = new SourcePenalties({ failures: 2, windowMs: 1_000, blockMs: 5_000 }, () => now);
    penalties.recordFailure('a');
    now += 1_500;
    expect(penalties.recordFailure('a')).toBe('counted');
    now += 100;
    expect(penalties.recordFailure('a')).toBe('blocked');
  });

  it('clears a source on a successful login, but not during a block', () => {
    let now = 0;
    const penalties = new SourcePenalties({ failures: 2, windowMs: 10_000, blockMs: 5_000 }, () => now);
    penalties.recordFailure('a');
    penalties.recordSuccess('a');
    expect(penalties.recordFailure('a')).toBe('counted');
    expect(penalties.recordFailure('a')).toBe('blocked');
    penalties.recordSuccess('a');
    expect(penalties.blockedFor('a')).toBe(5_000);
    now += 1;
    expect(penalties.blockedFor('a')).toBe(4_999);
  });
});

describe('gateway options', () => {
  it('defaults to the bastion values from the spec', () => {
    const options = resolveGatewayOptions();
    expect(options).toMatchObject({
      maxAuthTries: 6,
      loginGraceMs: 30_000,
      penaltyFailures: 5,
      penaltyWindowMs: 900_000,
      keyTypes: ['rsa'],
    });
  });

  it('refuses nonsense with the option’s name', () => {
    expect(() => resolveGatewayOptions({ maxAuthTries: 0 })).toThrow(GatewayOptionsError);
    expect(() => resolveGatewayOptions({ loginGraceMs: -1 })).toThrow(/loginGraceMs must be a number ≥ 0/);
    expect(() => resolveGatewayOptions({ keyTypes: [] })).toThrow(/keyTypes/);
    expect(resolveGatewayOptions({ idleTimeoutMs: undefined }).idleTimeoutMs).toBe(
      DEFAULT_GATEWAY_OPTIONS.idleTimeoutMs,
    );
  });

  it('keeps fingerprints in the form OpenSSH prints', () => {
    expect(fingerprintSha256(parsePublicKey(ED25519).blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
