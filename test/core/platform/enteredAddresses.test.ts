import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/core/keys/secretStore.ts';
import { PlatformService } from '../../../electron/core/platform/PlatformService.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';
import { runCli } from '../../cli/runCli.ts';

/*
 * Addresses a user types (first run's custom platform, `platform use`) are checked where the core
 * takes them: a gateway host becomes a known_hosts pattern and part of a copied command line, and an
 * http API address would carry the password in clear text.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'entered-addresses-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const custom = (gatewayHost: string, apiUrl = 'https://app.example.com'): PlatformProfile => ({
  kind: 'custom',
  label: 'Custom',
  apiUrl,
  gateway: { host: gatewayHost, port: 3022 },
});

describe('a custom platform as entered', () => {
  const service = () =>
    new PlatformService({
      dataDir: mkdtempSync(join(dir, 'data-')),
      secrets: new KeytarSecretStore(),
      keys: { list: async () => [], exportPublic: async () => '' },
      keychainService: `enscale-ssh-test-${process.pid}`,
    });

  it.each(['gate.example\n* ssh-ed25519 AAAAC3Nz', 'gate.example,*', 'gate example', '*'])(
    'refuses the gateway host %j and keeps no profile',
    async (host) => {
      const platform = service();
      const error = await platform.useProfile(custom(host)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInput);
      expect((error as Error).message).toMatch(/DNS name/);
      expect((await platform.current()).profile).toBeNull();
    },
  );

  it('keeps a host in its canonical form', async () => {
    const platform = service();
    await platform.useProfile(custom(' Gate.Example '));
    expect((await platform.current()).profile?.gateway).toEqual({ host: 'gate.example', port: 3022 });
  });
});

describe('enscale-ssh platform use', () => {
  it('refuses a gateway host that is not a host name, and saves nothing', async () => {
    const profile = join(dir, 'cli-gateway');
    const use = await runCli(profile, [
      'platform',
      'use',
      'https://app.example.com',
      '--gateway',
      'a,*:3022',
    ]);
    expect(use.code).not.toBe(0);
    expect(use.stderr).toMatch(/"a,\*" is not a host: use a DNS name/);
    const show = await runCli(profile, ['platform', 'show']);
    expect(show.stdout).toContain('No platform chosen');
  });

  it('refuses plain http for another computer, naming the https address to use', async () => {
    const use = await runCli(join(dir, 'cli-http'), [
      'platform',
      'use',
      'http://app.example.com',
      '--gateway',
      'gate.example:3022',
    ]);
    expect(use.code).not.toBe(0);
    expect(use.stderr).toContain('use https://app.example.com');
  });
});
