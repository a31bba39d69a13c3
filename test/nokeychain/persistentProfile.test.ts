import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../shared/src/errors.ts';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { webSocketChannel } from '../../shared/src/rpc/webSocketChannel.ts';
import { SECRETS_IN_MEMORY_NOTICE } from '../../shared/src/settings.ts';
import { openSocket } from '../webhost/webHostProcess.ts';
import { filesUnder, noDesktopEnv, startHost, type Host } from './noDesktop.ts';

/**
 * The browser host with `--profile DIR` on a machine with no keychain: the folder outlives the
 * process, so its secrets may not live in memory — a new key fails closed, as before, and nothing
 * says the secrets are in memory.
 */
let dir: string;
let host: Host | undefined;
let core: CoreContract;
let close: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nokeychain-profile-'));
  host = await startHost(['--profile', join(dir, 'profile')], noDesktopEnv(dir));
  const url = new URL(host.url);
  const socket = await openSocket(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
  close = () => socket.terminate();
  core = createCoreClient(webSocketChannel(socket)).core;
});
afterAll(async () => {
  close?.();
  await host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the browser host with a kept profile and no keychain', () => {
  it('fails closed with the keychain message, and keeps nothing in memory', async () => {
    const generated = core.keys.generate({ name: 'Kept', bits: 2048 });
    await expect(generated).rejects.toBeInstanceOf(KeychainUnavailable);
    await expect(generated).rejects.toThrow(/The system keychain is not available/);
    expect(await core.keys.list()).toEqual([]);
    expect((await core.settings.about()).secrets).toBe('keychain');
    expect(host!.stderr()).not.toContain(SECRETS_IN_MEMORY_NOTICE);
    expect(filesUnder(join(dir, 'profile')).filter((file) => file.includes('/keys/'))).toEqual([]);
  });
});
