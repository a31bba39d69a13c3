import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/Sandbox.ts';
import { DEMO_UID, Processes, SHOP_APACHE, makeKey, registerKey } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-gateway-'));
const processes = new Processes();
afterAll(async () => {
  await processes.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('the sandbox’s gateway', () => {
  it('starts on the gateway port, announces its host key, logs to the data folder, and stops', async () => {
    const sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0, dataDir });
    let port: number | undefined;
    try {
      const gateway = sandbox.ready.gateway;
      if (!gateway) throw new Error('no gateway in the ready line');
      port = gateway.port;
      expect(gateway.host).toBe('127.0.0.1');
      const publicKey = join(dataDir, 'gateway', 'hostkeys', 'ssh_host_rsa_key.pub');
      const keygen = (hash: string) =>
        spawnSync('ssh-keygen', ['-l', '-E', hash, '-f', publicKey], { encoding: 'utf8' }).stdout;
      expect(keygen('sha256')).toContain(` ${gateway.hostKey.sha256} `);
      expect(keygen('md5')).toContain(` MD5:${gateway.hostKey.md5} `);

      const key = makeKey(dataDir, 'user_rsa', 'rsa', 2048);
      await registerKey(sandbox.store, DEMO_UID, key.publicKey);
      const knownHosts = join(dataDir, 'known_hosts');
      writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(publicKey, 'utf8')}`);
      const result = await processes.run('ssh', [
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-i',
        key.privatePath,
        '-p',
        String(port),
        `${SHOP_APACHE}-${DEMO_UID}@127.0.0.1`,
        'echo via-sandbox-gateway',
      ]);
      expect(result).toMatchObject({ stdout: 'via-sandbox-gateway\n', code: 0 });
      expect(readFileSync(join(dataDir, 'gateway', 'audit.log'), 'utf8')).toContain(
        '"command":"echo via-sandbox-gateway"',
      );
    } finally {
      await sandbox.stop();
    }
    expect(port).toBeDefined();
    expect(await refused(port ?? 0)).toBe(true);

    const again = await Sandbox.start({
      apiPort: 0,
      gatewayPort: 0,
      dataDir,
      gatewayOptions: { keyTypes: ['rsa', 'ed25519', 'ecdsa'] },
    });
    try {
      expect(again.ready.gateway?.hostKey).toEqual(sandbox.ready.gateway?.hostKey);
      expect(sandbox.ready.gateway?.keyTypes).toEqual(['ssh-rsa']);
      expect(again.ready.gateway?.keyTypes).toEqual([
        'ssh-rsa',
        'ssh-ed25519',
        'ecdsa-sha2-nistp256',
        'ecdsa-sha2-nistp384',
        'ecdsa-sha2-nistp521',
      ]);
      // The kept folder keeps the two-factor secret (an authenticator app's entry goes on working);
      // access tokens are made afresh, as only their hashes are kept.
      const secret = (ready: typeof sandbox.ready) => ready.users.find((u) => u.uid === 4870)?.totpSecret;
      expect(secret(again.ready)).toBeDefined();
      expect(secret(again.ready)).toBe(secret(sandbox.ready));
      expect(again.ready.tokens[0]?.token).not.toBe(sandbox.ready.tokens[0]?.token);
    } finally {
      await again.stop();
    }
  });
});
