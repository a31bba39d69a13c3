import { Sandbox } from '@enscale-ssh/gateway';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxProfile } from '../../../electron/core/platform/sandboxProfile.ts';
import { gatewayKeyTypes } from '../../../shared/src/platform.ts';

/**
 * The embedded sandbox's profile carries what its gateway was started to accept, so the app warns
 * about a key type as that gateway would refuse it (not as Enscale's RSA-only default would).
 */
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({
    apiPort: 0,
    gatewayPort: 0,
    gatewayOptions: { keyTypes: ['rsa', 'ed25519'] },
  });
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
});

it('copies the key types the gateway accepts into the profile', () => {
  const profile = sandboxProfile(sandbox.ready);
  expect(profile.keyTypes).toEqual(['ssh-rsa', 'ssh-ed25519']);
  expect(gatewayKeyTypes(profile)).toEqual(['ssh-rsa', 'ssh-ed25519']);
  expect(profile.gateway).toEqual({ host: sandbox.ready.gateway?.host, port: sandbox.ready.gateway?.port });
});
