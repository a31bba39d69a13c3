import { Sandbox } from '@enscale-ssh/gateway';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core, type CoreOptions } from '../../../electron/core/Core.ts';
import { sandboxProfile } from '../../../electron/core/platform/sandboxProfile.ts';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { AuthenticationFailed } from '../../../shared/src/errors.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { puttygen, sshKeygen } from '../keys/keyTools.ts';
import { outputUntil } from '../support/terminalOutput.ts';
import {
  ApiRelay,
  apiCallsUpTo,
  auditLine,
  auditLines,
  authEventsSince,
  registerOnDashboard,
  rsaKeyFile,
} from './gatewayKeysKit.ts';

/**
 * Which vault keys the core offers the gateway, seen from the real gateway's audit log: the chosen
 * key first, then the dashboard's keys newest first, never a type the gateway refuses, never more
 * than it allows before hanging up; and a refusal that names what was offered.
 */
let sandbox: Sandbox;
let dir: string;
const cores: Core[] = [];
const service = `enscale-ssh-test-gateway-keys-${process.pid}`;

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gateway-keys-'));
}, 180_000);
afterAll(async () => {
  for (const core of cores) core.close();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 180_000);

function newCore(name: string, options: Partial<CoreOptions> = {}): Core {
  const core = new Core({
    dataDir: join(dir, name),
    interactive: false,
    keychainService: service,
    ...options,
  });
  cores.push(core);
  return core;
}

async function signedInCore(name: string, apiUrl = sandbox.ready.api): Promise<Core> {
  const core = newCore(name);
  await core.platform.useProfile({ ...sandboxProfile(sandbox.ready), apiUrl });
  await core.platform.signIn('demo@sandbox.local', 'demo');
  return core;
}

const target = (node: number, uid = 4856): ConnectionTarget => ({
  gateway: { host: sandbox.ready.gateway!.host, port: sandbox.ready.gateway!.port },
  username: `${node}-${uid}`,
  pinned: { keyType: 'ssh-rsa', sha256: sandbox.ready.gateway!.hostKey.sha256 },
});

/** `ssh NODE-UID@gateway COMMAND` through the core, with its stdout. */
async function exec(core: Core, node: number, command: string, uid?: number) {
  const id = randomUUID();
  let stdout = '';
  const stop = core.exec.events.on('stdout', (event) => {
    if (event.id !== id) return;
    stdout += Buffer.from(event.data).toString('utf8');
    void core.exec.ack(id, event.data.length);
  });
  try {
    return { ...(await core.exec.run(target(node, uid), command, { id })), stdout };
  } finally {
    stop();
  }
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const fingerprint = (key: KeyInfo) => key.fingerprints.sha256;

/** Generates an RSA key in the core and puts it on the dashboard, as Keys → Generate and Sync do. */
async function syncedKey(core: Core, name: string): Promise<KeyInfo> {
  const key = await core.keys.generate({ name, bits: 2048 });
  await core.platform.syncKey(key.id);
  return key;
}

/** An old PuTTY Ed25519 key, as a user brings one. */
async function ed25519Ppk(name: string): Promise<string> {
  const path = join(dir, `${name.replace(/\W/g, '-')}.ppk`);
  writeFileSync(join(dir, 'empty'), '');
  await puttygen('-t', 'ed25519', '-C', name, '-q', '-o', path, '--new-passphrase', join(dir, 'empty'));
  return path;
}

describe('keys offered to the gateway', () => {
  let core: Core;
  let synced: KeyInfo;
  let stray: KeyInfo;
  let oldEd: KeyInfo;

  it('keeps ssh, put, a terminal and SQL import working after an Ed25519 key is imported', async () => {
    core = await signedInCore('everyday');
    synced = await syncedKey(core, 'synced rsa');
    oldEd = await core.keys.importFile({ path: await ed25519Ppk('old ppk') });
    expect(oldEd).toMatchObject({ type: 'ssh-ed25519', gatewayAccepts: false });
    expect(oldEd.warning).toMatch(
      /gateway of Sandbox accepts RSA keys only, so this Ed25519 key cannot sign in/,
    );
    // An RSA key of the right type, but not on the dashboard: newest of all, and not offered either.
    stray = await core.keys.importFile({ path: rsaKeyFile(dir, 'stray rsa').path });
    expect(stray).toMatchObject({ gatewayAccepts: true });
    expect(stray.warning).toBeUndefined();
    expect((await core.keys.list()).find((k) => k.id === oldEd.id)?.warning).toBe(oldEd.warning);
    const from = auditLines(sandbox).length;

    expect(await exec(core, 518839, 'echo via-exec')).toMatchObject({ code: 0, stdout: 'via-exec\n' });

    const local = join(dir, 'put.txt');
    writeFileSync(local, `uploaded ${randomUUID()}\n`);
    const job = await core.transfers.upload({
      target: target(518839),
      localPath: local,
      remotePath: 'gateway-keys.txt',
      conflict: 'overwrite',
    });
    expect(await core.transfers.wait(job.id)).toMatchObject({ state: 'done' });
    const remote = join(sandbox.dataDir, 'nodes', '518839', 'home', 'gateway-keys.txt');
    expect(readFileSync(remote, 'utf8')).toBe(readFileSync(local, 'utf8'));

    const { id } = await core.terminals.open({ target: target(518839), cols: 80, rows: 24 });
    const screen = outputUntil(core.terminals, id, /^42\r?$/m);
    await core.terminals.write(id, 'echo $((6*7))\r');
    await screen;
    await core.terminals.close(id);

    const sql = join(dir, 'import.sql');
    writeFileSync(sql, 'CREATE TABLE gateway_keys (id INT);\nINSERT INTO gateway_keys VALUES (1), (2);\n');
    const db = sandbox.ready.database!;
    await core.databases.importSql({
      target: target(db.node),
      nodeType: 'mariadb',
      file: sql,
      credentials: { database: db.name, user: db.user, password: db.password },
    });
    expect((await sandbox.nodes.database.query('SELECT COUNT(*) FROM gateway_keys')).trim()).toBe('2');

    // Two connections (the web node, the database node), each signed in with the synced key at once.
    const auth = authEventsSince(sandbox, from);
    expect(auth.map((e) => [e.result, e.fingerprint])).toEqual([
      ['success', fingerprint(synced)],
      ['success', fingerprint(synced)],
    ]);
  });

  it('offers the chosen key first, then the dashboard’s keys newest first', async () => {
    const newer = await syncedKey(core, 'newer synced rsa');
    expect(await core.setActiveKey(stray.id)).toEqual({ key: expect.objectContaining({ id: stray.id }) });
    core.connections.closeAll();
    const from = auditLines(sandbox).length;
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    const auth = authEventsSince(sandbox, from);
    expect(auth.map((e) => [e.result, e.fingerprint, e.attempt])).toEqual([
      ['failure', fingerprint(stray), 1],
      ['success', fingerprint(newer), undefined],
    ]);
    expect(auth[0]!.reason).toMatch(/not registered/);
  });

  it('warns when a key the gateway refuses is chosen, and never offers it', async () => {
    const chosen = await core.setActiveKey(oldEd.id);
    expect(chosen.warning).toMatch(/accepts RSA keys only.*offered your other keys/);
    core.connections.closeAll();
    const from = auditLines(sandbox).length;
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    const auth = authEventsSince(sandbox, from);
    expect(auth).toHaveLength(1);
    expect(auth[0]).toMatchObject({ result: 'success' });
    expect(auth.some((e) => e.keyType === 'ssh-ed25519')).toBe(false);
  });

  it('reads the dashboard’s keys once for connections opened together, again once a key is synced', async () => {
    await core.keys.delete(stray.id);
    const keyLists = async () =>
      (await apiCallsUpTo(sandbox, () => core.platform.environments(), /GetEnvs$/)).filter((m) =>
        /GetSSHKeys$/.test(m),
      ).length;
    // Synced after the last list was read: that list leaves it out, so the list is read again.
    const fresh = await syncedKey(core, 'fresh rsa');
    core.connections.closeAll();
    const before = await keyLists();
    const from = auditLines(sandbox).length;
    await Promise.all([exec(core, 518839, 'true'), exec(core, 518840, 'true')]);
    expect((await keyLists()) - before).toBe(1);
    // The chosen key is the refused Ed25519 one: the newest dashboard key, the fresh one, goes first.
    expect(authEventsSince(sandbox, from).map((e) => [e.result, e.fingerprint])).toEqual([
      ['success', fingerprint(fresh)],
      ['success', fingerprint(fresh)],
    ]);
    // Every usable key is on the list just read: the next connect reuses it.
    core.connections.closeAll();
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    expect((await keyLists()) - before).toBe(1);
  });
});

describe('when no key gets in, or the dashboard cannot be read', () => {
  it('says there is no key to offer when the device has only an Ed25519 key, and offers none', async () => {
    const core = await signedInCore('ed25519 only');
    await core.keys.importFile({ path: await ed25519Ppk('only ppk') });
    const from = auditLines(sandbox).length;
    const error = await refusal(exec(core, 518839, 'true'));
    expect(error).toBeInstanceOf(AuthenticationFailed);
    expect((error as Error).message).toBe(
      'No key to offer the SSH gateway: only an Ed25519 key is on this device; the gateway of Sandbox ' +
        'accepts RSA keys only. Generate an RSA key (Keys → Generate) and sync it (Keys → Sync).',
    );
    // The gateway's host key is checked first; then nothing is offered, so nothing is refused.
    expect(authEventsSince(sandbox, from)).toEqual([]);

    const unsynced = await core.keys.generate({ name: 'not synced', bits: 2048 });
    expect(((await refusal(exec(core, 518839, 'true'))) as Error).message).toMatch(
      /none of this device's RSA keys \(“not synced”\) is on the dashboard\. Sync one/,
    );
    // Chosen, it is offered all the same; the refusal names it.
    await core.setActiveKey(unsynced.id);
    const refused = await refusal(exec(core, 518839, 'true'));
    expect(refused).toBeInstanceOf(AuthenticationFailed);
    expect((refused as Error).message).toBe(
      `The gateway ${sandbox.ready.gateway!.host}:${sandbox.ready.gateway!.port} refused your key for ` +
        `518839-4856: “not synced” (${fingerprint(unsynced)}). Sync the key to the dashboard (Keys → Sync) and try again.`,
    );
  });

  it('offers at most five keys, newest first, and the gateway does not hang up on them', async () => {
    const core = await signedInCore('many keys');
    const keys: KeyInfo[] = [];
    for (let i = 1; i <= 7; i++) keys.push(await syncedKey(core, `key ${i}`));
    await core.keys.importFile({ path: await ed25519Ppk('many ppk') });
    const from = auditLines(sandbox).length;
    // Another account's node: the gateway checks that account's keys, so each of ours is refused.
    const error = await refusal(exec(core, 518870, 'true', 4870));
    expect(error).toBeInstanceOf(AuthenticationFailed);
    const offered = keys.slice(2).reverse();
    const named = offered.map((key) => `“${key.name}” (${fingerprint(key)})`).join(', ');
    expect((error as Error).message).toContain(`refused all 5 keys offered for 518870-4870: ${named}.`);
    expect((error as AuthenticationFailed).details['offered']).toEqual(
      offered.map((key) => ({ name: key.name, sha256: fingerprint(key) })),
    );
    const lines = auditLines(sandbox).slice(from);
    const auth = lines.filter((line) => line.event === 'auth') as ReturnType<typeof authEventsSince>;
    expect(auth.map((e) => [e.result, e.fingerprint, e.attempt])).toEqual(
      offered.map((key, i) => ['failure', fingerprint(key), i + 1]),
    );
    const disconnect = await auditLine(
      sandbox,
      from,
      (line) => line.event === 'disconnect' && line.conn === auth[0]!.conn,
    );
    expect(disconnect.reason).toBeTruthy();
    expect(disconnect.reason).not.toMatch(/too many/);
  });

  it('offers every usable key when the dashboard cannot be read: platform silent, then down', async () => {
    const relay = await ApiRelay.start(sandbox.ready.api);
    const core = await signedInCore('platform down', relay.url);
    const synced = await syncedKey(core, 'synced while up');
    const unsynced = await core.keys.generate({ name: 'never synced', bits: 2048 });
    const expected = [
      ['failure', fingerprint(unsynced)],
      ['success', fingerprint(synced)],
    ];
    // Silent: the sign-in stops waiting for the list (5 s) well before the SSH handshake's 20 s.
    relay.stall();
    let from = auditLines(sandbox).length;
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    expect(authEventsSince(sandbox, from).map((e) => [e.result, e.fingerprint])).toEqual(expected);
    // Down: connections refused.
    await relay.close();
    core.connections.closeAll();
    from = auditLines(sandbox).length;
    expect(await exec(core, 518840, 'true')).toMatchObject({ code: 0 });
    expect(authEventsSince(sandbox, from).map((e) => [e.result, e.fingerprint])).toEqual(expected);
  });
  it('offers every usable key when a token may not read the dashboard’s keys (PermissionDenied)', async () => {
    const restricted = sandbox.ready.tokens.find((t) => t.methods.length === 1)!;
    expect(restricted.methods).toEqual(['environment.Control.GetEnvs']);
    const core = newCore('restricted token');
    await core.platform.useProfile(sandboxProfile(sandbox.ready));
    await core.platform.signInWithToken(restricted.token);
    const registered = await core.keys.generate({ name: 'registered elsewhere', bits: 2048 });
    await registerOnDashboard(sandbox, 'registered elsewhere', await core.keys.exportPublic(registered.id));
    const unsynced = await core.keys.generate({ name: 'unsynced', bits: 2048 });
    const from = auditLines(sandbox).length;
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    expect(authEventsSince(sandbox, from).map((e) => [e.result, e.fingerprint])).toEqual([
      ['failure', fingerprint(unsynced)],
      ['success', fingerprint(registered)],
    ]);
    expect((await core.platform.current()).account).toMatchObject({ uid: 4856 });
  });
});

describe('keys given for one run (--identity)', () => {
  it('offers exactly the given keys, consulting neither the vault nor the dashboard', async () => {
    mkdirSync(join(dir, 'given'), { recursive: true });
    const given = rsaKeyFile(join(dir, 'given'), 'given');
    await registerOnDashboard(sandbox, 'given', given.publicKey);
    const vault = rsaKeyFile(join(dir, 'given'), 'in vault');
    await registerOnDashboard(sandbox, 'in vault', vault.publicKey);
    const prepare = async (name: string, identities: CoreOptions['identities']) => {
      const core = newCore(name, { identities: identities! });
      await core.platform.useProfile(sandboxProfile(sandbox.ready));
      await core.platform.signIn('demo@sandbox.local', 'demo');
      await core.keys.importFile({ path: vault.path });
      return core;
    };

    const core = await prepare('identity', [{ name: 'given', privateKey: given.privateKey }]);
    const from = auditLines(sandbox).length;
    const calls = (await apiCallsUpTo(sandbox, () => core.platform.environments(), /GetEnvs$/)).length;
    expect(await exec(core, 518839, 'true')).toMatchObject({ code: 0 });
    const auth = authEventsSince(sandbox, from);
    expect(auth.map((e) => [e.result, e.fingerprint])).toEqual([
      ['success', (await sshKeygen('-lf', `${given.path}.pub`)).split(' ')[1]],
    ]);
    // Only the marker call itself: no dashboard list was read for the connect.
    expect((await apiCallsUpTo(sandbox, () => core.platform.environments(), /GetEnvs$/)).length).toBe(
      calls + 1,
    );

    const stranger = rsaKeyFile(join(dir, 'given'), 'stranger');
    const strangerCore = await prepare('stranger', [{ name: 'stranger', privateKey: stranger.privateKey }]);
    const error = await refusal(exec(strangerCore, 518839, 'true'));
    expect(error).toBeInstanceOf(AuthenticationFailed);
    expect((error as Error).message).toMatch(/refused your key for 518839-4856: “stranger” \(SHA256:/);
    expect((error as Error).message).not.toMatch(/in vault/);
  });
});
