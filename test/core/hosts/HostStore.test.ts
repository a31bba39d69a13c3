import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostStore } from '../../../electron/core/hosts/HostStore.ts';
import { hostRoutes, userAgentPath } from '../../../electron/core/hosts/hostRoutes.ts';
import { InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import type { HostDraft } from '../../../shared/src/hosts.ts';

let dir: string;
let store: HostStore;
const draft = (over: Partial<HostDraft> = {}): HostDraft => ({
  name: 'box',
  host: 'example.org',
  port: 22,
  user: 'deploy',
  auth: { kind: 'key', keyId: 'k1' },
  ...over,
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-store-'));
  store = new HostStore({ dataDir: dir, keyExists: async (id) => id === 'k1' });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('HostStore', () => {
  it('saves hosts and shortcuts in a 0600 file and tells every window', async () => {
    const seen: number[] = [];
    store.events.on('changed', ({ hosts }) => seen.push(hosts.length));
    const host = await store.add(draft({ name: '  web  ' }));
    expect(host.name).toBe('web');
    await store.addShortcut({ name: 'shop', nodeId: 518839, uid: 4856, gateway: { host: 'gw', port: 3022 } });
    const again = new HostStore({ dataDir: dir, keyExists: async () => true });
    const { hosts, shortcuts } = await again.list();
    expect(hosts).toEqual([host]);
    expect(shortcuts[0]).toMatchObject({ nodeId: 518839, uid: 4856 });
    expect(seen).toEqual([1, 1]);
  });

  it('refuses what a host cannot be, naming the field', async () => {
    await expect(store.add(draft({ host: 'me@example.org' }))).rejects.toThrow(
      /host: a host is a name or an address/,
    );
    await expect(store.add(draft({ host: '-oProxyCommand=x' }))).rejects.toThrow(/host:/);
    await expect(store.add(draft({ port: 70000 }))).rejects.toThrow(/port/);
    await expect(store.add(draft({ user: 'a b' }))).rejects.toThrow(/user: a user name has no spaces/);
    await expect(store.add(draft({ auth: { kind: 'key', keyId: 'gone' } }))).rejects.toThrow(
      /not in the vault/,
    );
    await expect(store.add(draft({ jumpHostId: 'h-none' }))).rejects.toBeInstanceOf(InvalidInput);
    expect((await store.list()).hosts).toEqual([]);
  });

  it('refuses a jump host that leads back, and removing a host others jump through', async () => {
    const a = await store.add(draft({ name: 'a' }));
    const b = await store.add(draft({ name: 'b', jumpHostId: a.id }));
    await expect(store.update(a.id, draft({ name: 'a', jumpHostId: b.id }))).rejects.toThrow(/leads back/);
    await expect(store.remove(a.id)).rejects.toThrow(/“b”/);
    await store.remove(b.id);
    await store.remove(a.id);
    expect((await store.list()).hosts).toEqual([]);
  });

  it('leaves a damaged file as it is rather than saving an empty list over it', async () => {
    await writeFile(join(dir, 'hosts.json'), '{"version":1,"hosts":[{"id":"x"');
    await expect(store.list()).rejects.toBeInstanceOf(LocalFileError);
    await expect(store.add(draft())).rejects.toThrow(/damaged/);
    expect(await readFile(join(dir, 'hosts.json'), 'utf8')).toBe('{"version":1,"hosts":[{"id":"x"');
  });

  it('routes a host through its jump host with its own key, read afresh at each connect', async () => {
    const jump = await store.add(draft({ name: 'bastion', host: 'bastion.example.org' }));
    const host = await store.add(draft({ name: 'db', host: '10.0.0.5', jumpHostId: jump.id }));
    const routes = hostRoutes({
      store,
      vault: {
        get: async () => ({ name: 'laptop' }) as never,
        privateKeyFor: async () => Buffer.from('KEY'),
      },
      platform: 'linux',
      env: {},
    });
    const route = await routes(host.id);
    expect(route).toMatchObject({ host: '10.0.0.5', port: 22, username: 'deploy', name: 'db' });
    expect(route.via).toEqual({
      gateway: { host: 'bastion.example.org', port: 22 },
      username: 'deploy',
      hostId: jump.id,
    });
    expect('identities' in route.auth && (await route.auth.identities())).toEqual([
      { name: 'laptop', privateKey: Buffer.from('KEY') },
    ]);
    await store.update(host.id, draft({ name: 'db', host: '10.0.0.6', auth: { kind: 'agent' } }));
    await expect(routes(host.id)).rejects.toThrow(/no agent is running here \(SSH_AUTH_SOCK is not set\)/);
  });

  it('finds the user’s agent as OpenSSH does on each OS', () => {
    expect(userAgentPath('linux', { SSH_AUTH_SOCK: '/tmp/a.sock' })).toBe('/tmp/a.sock');
    expect(userAgentPath('darwin', { SSH_AUTH_SOCK: '/private/tmp/launchd/Listeners' })).toBe(
      '/private/tmp/launchd/Listeners',
    );
    expect(userAgentPath('win32', {})).toBe('pageant');
    expect(userAgentPath('win32', { SSH_AUTH_SOCK: '\\\\.\\pipe\\openssh-ssh-agent' })).toBe(
      '\\\\.\\pipe\\openssh-ssh-agent',
    );
    expect(() => userAgentPath('darwin', {})).toThrow(/SSH_AUTH_SOCK/);
  });
});
