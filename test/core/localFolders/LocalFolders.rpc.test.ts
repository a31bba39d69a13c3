import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../electron/core/Core.ts';
import { LocalFolders } from '../../../electron/core/localFolders/LocalFolders.ts';
import { createCoreClient, type CoreContract } from '../../../shared/src/contract.ts';
import { InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import { messagePortChannel, type MessagePortLike } from '../../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../../shared/src/rpc/RpcHost.ts';

let dir: string;
let core: Core;
let api: CoreContract;
let close: () => void;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-folders-rpc-'));
  core = new Core({
    dataDir: join(dir, 'profile'),
    interactive: false,
    keychainService: `enscale-ssh-test-folders-${process.pid}`,
  });
  const { port1, port2 } = new MessageChannel();
  new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), core.exposed());
  api = createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike)).core;
  close = () => {
    port1.close();
    port2.close();
    core.close();
  };
});
afterEach(async () => {
  close();
  await rm(dir, { recursive: true, force: true });
});

describe('localFolders served by the core', () => {
  it('starts each kind at its own remembered folder, kept in the settings', async () => {
    await mkdir(join(dir, 'dumps'));
    await mkdir(join(dir, 'keys'));
    await api.settings.update({ folders: { sqlExport: join(dir, 'dumps'), keyExport: join(dir, 'keys') } });
    expect((await api.localFolders.start('sqlExport')).path).toBe(join(dir, 'dumps'));
    expect((await api.localFolders.start('keyExport')).path).toBe(join(dir, 'keys'));
    expect((await api.localFolders.start('download')).path).not.toBe(join(dir, 'dumps'));
  });

  it('keeps its typed errors across the RPC and checks the arguments first', async () => {
    const made = await api.localFolders.create(dir, 'new one');
    expect((await api.localFolders.list(dir)).folders.map((f) => f.path)).toContain(made);
    await expect(api.localFolders.create(dir, 'new one')).rejects.toBeInstanceOf(LocalFileError);
    await expect(api.localFolders.list('relative')).rejects.toBeInstanceOf(InvalidInput);
    await expect(api.localFolders.start('elsewhere' as never)).rejects.toThrow(
      /localFolders\.start: args\[0\] must be "download" \| "sqlExport" \| "keyExport"/,
    );
    await expect(api.localFolders.list(`/${'x'.repeat(5000)}`)).rejects.toThrow(
      /localFolders\.list: args\[0\]/,
    );
  });
});

describe('a folder of 10,000 folders', () => {
  it('is listed whole, in order', async () => {
    const big = join(dir, 'big');
    await mkdir(big);
    for (let i = 0; i < 10_000; i += 500)
      await Promise.all(Array.from({ length: 500 }, (_, j) => mkdir(join(big, `folder ${i + j}`))));
    const started = performance.now();
    const listing = await new LocalFolders({ remembered: async () => '' }).list(big);
    // 10,000 folders in about 60 ms on the 2-core test machine (5 Dec 2026): read whole, no paging.
    console.info(`listed 10,000 folders in ${Math.round(performance.now() - started)} ms`);
    expect(listing.folders).toHaveLength(10_000);
    expect(listing.folders.slice(0, 3).map((f) => f.name)).toEqual(['folder 0', 'folder 1', 'folder 2']);
    expect(listing.folders.at(-1)?.name).toBe('folder 9999');
  });
});
