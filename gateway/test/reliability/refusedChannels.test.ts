import { RawSession } from '@enscale-ssh/ssh2-internals/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, SHOP_APACHE, makeKey, type UserKey } from '../ssh/helpers.ts';
import { SandboxProcess } from './support/SandboxProcess.ts';
import { exec, forward, loggedIn, login, logout } from './support/sshClient.ts';

/**
 * Channels the gateway refuses: unknown channel types, reverse forwards, forwards to odd targets,
 * and new sessions after no-more-sessions. The connection goes on working after each. (Odd orders
 * of channel requests and the gateway's memory: fuzzChannels.test.ts.)
 */
describe('refused channels', () => {
  let sandbox: SandboxProcess;
  let tmp: string;
  let key: UserKey;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'refused-channels-'));
    sandbox = await SandboxProcess.start({});
    key = makeKey(tmp, 'demo_rsa', 'rsa', 2048);
    await sandbox.registerKey(DEMO_UID, key.publicKey);
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const connect = () => loggedIn(sandbox, key.privatePath, `${SHOP_APACHE}-${DEMO_UID}`);

  /** The connection still carries a normal command after whatever was done on it. */
  async function stillWorks(client: ssh2.Client): Promise<void> {
    expect(await exec(client, 'echo alive')).toMatchObject({ code: 0, stdout: 'alive\n' });
  }

  it('refuses unknown channel types, reverse forwards and forwards to odd targets', async () => {
    const client = await connect();
    const streamLocal = await new Promise<Error | undefined>((resolve) =>
      client.openssh_forwardOutStreamLocal('/run/mysqld/mysqld.sock', (error) => resolve(error)),
    );
    expect(streamLocal).toBeInstanceOf(Error);
    const reverse = await new Promise<Error | undefined>((resolve) =>
      client.forwardIn('127.0.0.1', 0, (error) => resolve(error)),
    );
    expect(reverse).toBeInstanceOf(Error);
    for (const [host, port] of [
      ['', 22],
      ['127.0.0.1', 0],
      ['h'.repeat(10_000), 80],
      ['127.0.0.1\u0000evil', 22],
      ['::1', 65_535],
    ] as const) {
      const result = await forward(client, host, port);
      if ('channel' in result) result.channel.close();
      else expect(result.error).toBeInstanceOf(Error);
    }
    await stillWorks(client);
    // The audit log keeps forward targets bounded.
    const targets = sandbox
      .auditEvents()
      .filter((e) => e.event === 'channel' && e.channel === 'direct-tcpip')
      .map((e) => (e.event === 'channel' ? (e.target ?? '') : ''));
    for (const target of targets) expect(target.length).toBeLessThanOrEqual(340);
    await logout(client);

    // After no-more-sessions (OpenSSH clients send it), a new session is refused, the rest goes on.
    // ssh2's client sends it only to servers calling themselves OpenSSH unless told otherwise.
    const hardened = await login({
      address: sandbox.address,
      username: `${SHOP_APACHE}-${DEMO_UID}`,
      privateKey: readFileSync(key.privatePath),
      hostKeys: sandbox.hostKeys,
      extra: { strictVendor: false },
    });
    if (!('client' in hardened)) throw hardened.error;
    const running = await RawSession.open(hardened.client);
    expect(await running.exec('cat', true)).toBe(true);
    const answer = await new Promise<Error | null | undefined>((resolve) =>
      hardened.client.openssh_noMoreSessions((error) => resolve(error)),
    );
    expect(answer ?? undefined).toBeUndefined();
    await expect(RawSession.open(hardened.client)).rejects.toBeInstanceOf(Error);
    running.channel.write('still relayed\n');
    await running.waitFor('still relayed', 'the open session after no-more-sessions');
    running.channel.end();
    await running.closed;
    await logout(hardened.client);
  });
});
