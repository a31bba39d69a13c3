import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/keys/publicKey.ts';
import type { GatewayAddress } from '../../src/ssh/GatewayServer.ts';
import {
  BLOG_APACHE,
  DEMO_UID,
  GatewayFixture,
  OTHER_UID,
  SHOP_APACHE,
  STAGING_APACHE,
  makeKey,
  registerKey,
  until,
  type UserKey,
} from './helpers.ts';

const DENIED = /Permission denied \(publickey\)/;

describe('authentication and access rules', () => {
  let fx: GatewayFixture;
  let rsa: UserKey;
  let unknown: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    rsa = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    unknown = makeKey(fx.tmp, 'unknown_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, rsa.publicKey);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  const lastAuthFailure = () =>
    fx
      .auditEvents()
      .filter((e) => e.event === 'auth' && e.result === 'failure')
      .at(-1);
  /** A login attempt with ssh2's client, for requests OpenSSH will not make. */
  const ssh2Login = (username: string, config: Omit<ssh2.ConnectConfig, 'host' | 'port' | 'username'>) =>
    new Promise<Error | undefined>((resolve) => {
      const client = new ssh2.Client();
      client.on('ready', () => {
        client.end();
        resolve(undefined);
      });
      client.on('error', (error) => resolve(error));
      client.connect({
        host: fx.address.host,
        port: fx.address.port,
        username,
        ...config,
        hostVerifier: (key: Buffer) =>
          fx.hostKeys.rsa.publicKey.endsWith(key.toString('base64')) ||
          fx.hostKeys.ed25519.publicKey.endsWith(key.toString('base64')),
      });
    });
  const ssh = (
    key: UserKey,
    user: string,
    command = 'true',
    extra: string[] = [],
    address?: GatewayAddress,
  ) => fx.processes.run('ssh', [...fx.ssh(key, user, extra, address), command]);

  it('refuses a key that is not registered, and logs its fingerprint', async () => {
    const result = await ssh(unknown, `${SHOP_APACHE}-${DEMO_UID}`);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(DENIED);
    expect(lastAuthFailure()).toMatchObject({
      reason: `key is not registered for user ${DEMO_UID}`,
      fingerprint: parsePublicKey(unknown.publicKey).fingerprintSha256,
      keyType: 'ssh-rsa',
      keyBits: 2048,
    });
  });

  it('refuses a registered key for another user’s uid', async () => {
    const result = await ssh(rsa, `${BLOG_APACHE}-${OTHER_UID}`);
    expect(result.stderr).toMatch(DENIED);
    expect(lastAuthFailure()).toMatchObject({ reason: `key is not registered for user ${OTHER_UID}` });
  });

  it('never accepts DSA keys, even registered ones', async () => {
    const dsa = makeKey(fx.tmp, 'demo_dsa', 'dsa');
    await registerKey(fx.store, DEMO_UID, dsa.publicKey);
    const result = await ssh(dsa, `${SHOP_APACHE}-${DEMO_UID}`, 'true', [
      '-o',
      'PubkeyAcceptedAlgorithms=+ssh-dss',
    ]);
    expect(result.stderr).toMatch(DENIED);
    expect(lastAuthFailure()).toMatchObject({ reason: 'DSA keys are never accepted', keyType: 'ssh-dss' });
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const short = makeKey(fx.tmp, 'demo_rsa1024', 'rsa', 1024);
    await registerKey(fx.store, DEMO_UID, short.publicKey);
    const result = await ssh(short, `${SHOP_APACHE}-${DEMO_UID}`);
    expect(result.stderr).toMatch(DENIED);
    expect(lastAuthFailure()).toMatchObject({
      reason: 'RSA key of 1024 bits is too short (at least 2048 required)',
      keyBits: 1024,
    });
  });

  it('accepts only RSA by default, and Ed25519 / ECDSA when the key types are widened', async () => {
    const ed25519 = makeKey(fx.tmp, 'demo_ed25519', 'ed25519');
    const ecdsa = makeKey(fx.tmp, 'demo_ecdsa', 'ecdsa', 256);
    await registerKey(fx.store, DEMO_UID, ed25519.publicKey);
    await registerKey(fx.store, DEMO_UID, ecdsa.publicKey);

    const refused = await ssh(ed25519, `${SHOP_APACHE}-${DEMO_UID}`);
    expect(refused.stderr).toMatch(DENIED);
    expect(lastAuthFailure()).toMatchObject({ reason: 'ed25519 keys are not accepted here (accepted: rsa)' });

    const widened = await fx.extraGateway({ keyTypes: ['rsa', 'ed25519', 'ecdsa'] });
    for (const key of [ed25519, ecdsa, rsa]) {
      const result = await ssh(key, `${SHOP_APACHE}-${DEMO_UID}`, 'echo ok', [], widened);
      expect(result, key.privatePath).toMatchObject({ stdout: 'ok\n', code: 0 });
    }
  });

  it('never offers or accepts passwords, and never logs them', async () => {
    const openssh = await ssh(unknown, String(DEMO_UID), 'true', [
      '-v',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'PreferredAuthentications=password,keyboard-interactive',
    ]);
    expect(openssh.stderr).toMatch(DENIED);
    expect(openssh.stderr).toMatch(/Authentications that can continue: publickey\r?\n/);

    const secret = 'correct-horse-battery-staple';
    const attempt = await ssh2Login(String(DEMO_UID), {
      password: secret,
      tryKeyboard: true,
      authHandler: ['password', 'keyboard-interactive'],
    });
    expect(attempt?.message).toMatch(/authentication methods failed/);
    const failures = fx
      .auditEvents()
      .filter((e) => e.event === 'auth' && e.result === 'failure' && e.method === 'password');
    expect(failures.at(-1)).toMatchObject({
      reason: 'password authentication is not offered (public keys only)',
    });
    expect(readFileSync(fx.auditPath, 'utf8')).not.toContain(secret);
  });

  it('refuses malformed user names without asking the store', async () => {
    const names = [
      'abc',
      '1-2-3',
      '-4856',
      '4856-',
      '0-4856',
      '4'.repeat(10_000),
      'ü4856',
      '４８５６',
      '4856 ',
      'root',
    ];
    const lookupsBefore = fx.storeCalls.get('findKeysByFingerprint') ?? 0;
    for (const name of names) {
      const result = await fx.processes.run('ssh', [
        ...fx.sshOptions(rsa),
        '-p',
        String(fx.address.port),
        '-l',
        name,
        '127.0.0.1',
        'true',
      ]);
      expect(result.code, name.slice(0, 20)).toBe(255);
      if (result.stderr.includes('remote username contains invalid characters')) {
        // OpenSSH will not even send this one; a client that does must be refused all the same.
        const error = await ssh2Login(name, { privateKey: readFileSync(rsa.privatePath) });
        expect(error?.message).toMatch(/authentication methods failed/);
      }
    }
    expect(fx.storeCalls.get('findKeysByFingerprint') ?? 0).toBe(lookupsBefore);
    const malformed = fx
      .auditEvents()
      .filter((e) => e.event === 'auth' && e.reason?.startsWith('malformed user name'));
    expect(malformed.length).toBeGreaterThanOrEqual(names.length);
    // The 10 kB name is logged bounded, not in full.
    expect(readFileSync(fx.auditPath, 'utf8')).not.toContain('4'.repeat(200));
  });

  it('refuses a stopped environment with a clear message and status', async () => {
    const result = await ssh(rsa, `${STAGING_APACHE}-${DEMO_UID}`, 'echo should-not-run');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "Environment 'staging' is stopped — start it from the dashboard to connect.\n",
    );
    const sftp = await fx.processes.run(
      'sftp',
      [
        ...fx.sshOptions(rsa),
        '-P',
        String(fx.address.port),
        '-b',
        '-',
        `${STAGING_APACHE}-${DEMO_UID}@127.0.0.1`,
      ],
      { input: 'ls\n' },
    );
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain("Environment 'staging' is stopped");
  });

  it('refuses the other tenant’s node', async () => {
    const result = await ssh(rsa, `${BLOG_APACHE}-${DEMO_UID}`, 'echo should-not-run');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `Node ${BLOG_APACHE} does not exist or does not belong to user ${DEMO_UID}`,
    );
    const forward = await fx.processes.run('ssh', [
      '-v',
      '-W',
      '127.0.0.1:22',
      ...fx.ssh(rsa, `${BLOG_APACHE}-${DEMO_UID}`),
    ]);
    expect(forward.code).not.toBe(0);
    expect(forward.stderr).toMatch(/administratively prohibited/);
  });

  it('drops a connection after 6 failed attempts', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => makeKey(fx.tmp, `stranger_${i}`, 'ed25519'));
    const result = await fx.processes.run('ssh', [
      ...fx.sshOptions(rsa).filter((arg) => arg !== rsa.privatePath && arg !== '-i'),
      ...keys.flatMap((key) => ['-i', key.privatePath]),
      '-p',
      String(fx.address.port),
      `${SHOP_APACHE}-${DEMO_UID}@127.0.0.1`,
      'true',
    ]);
    expect(result.code).toBe(255);
    const conn = fx
      .auditEvents()
      .filter((e) => e.event === 'auth')
      .at(-1)?.conn;
    const attempts = fx.auditEvents().filter((e) => e.event === 'auth' && e.conn === conn);
    expect(attempts.map((e) => (e.event === 'auth' ? e.attempt : 0))).toEqual([1, 2, 3, 4, 5, 6]);
    // The client may exit before the gateway has seen its socket close.
    await until(
      () => fx.auditEvents().some((e) => e.event === 'disconnect' && e.conn === conn),
      'the disconnect',
    );
    expect(fx.auditEvents().find((e) => e.event === 'disconnect' && e.conn === conn)).toMatchObject({
      reason: 'too many authentication failures (6)',
    });
  });

  it('closes connections that do not log in within the grace time', async () => {
    const gateway = await fx.extraGateway({ loginGraceMs: 300 });
    const seen = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(gateway.port, gateway.host);
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
    expect(seen).toMatch(/^SSH-2\.0-EnscaleSSHGateway/);
    expect(
      fx
        .auditEvents()
        .filter((e) => e.event === 'disconnect')
        .at(-1),
    ).toMatchObject({
      reason: 'login grace time exceeded before the SSH handshake',
    });
  });

  it('caps connections that have not authenticated yet', async () => {
    const gateway = await fx.extraGateway({ maxUnauthenticated: 2 });
    const open = (): Promise<{
      banner: boolean;
      socket: ReturnType<typeof connect>;
      closed: Promise<void>;
    }> =>
      new Promise((resolve) => {
        const socket = connect(gateway.port, gateway.host);
        const closed = new Promise<void>((done) => socket.once('close', () => done()));
        socket.on('error', () => undefined);
        socket.once('data', () => resolve({ banner: true, socket, closed }));
        socket.once('close', () => resolve({ banner: false, socket, closed }));
      });
    const first = await open();
    const second = await open();
    const third = await open();
    expect([first.banner, second.banner, third.banner]).toEqual([true, true, false]);
    first.socket.destroy();
    await first.closed;
    const fourth = await open();
    expect(fourth.banner).toBe(true);
    for (const { socket } of [second, fourth]) socket.destroy();
    expect(
      fx
        .auditEvents()
        .filter((e) => e.event === 'refused')
        .at(-1),
    ).toMatchObject({
      reason: 'too many unauthenticated connections (2)',
    });
  });

  it('blocks a source after repeated failed logins, even with a good key', async () => {
    const gateway = await fx.extraGateway({
      penaltyFailures: 2,
      penaltyWindowMs: 60_000,
      penaltyBlockMs: 60_000,
    });
    for (let i = 0; i < 2; i++) {
      const failed = await ssh(unknown, `${SHOP_APACHE}-${DEMO_UID}`, 'true', [], gateway);
      expect(failed.stderr).toMatch(DENIED);
    }
    const blocked = await ssh(rsa, `${SHOP_APACHE}-${DEMO_UID}`, 'echo in', [], gateway);
    expect(blocked.code).toBe(255);
    expect(blocked.stdout).toBe('');
    expect(
      fx
        .auditEvents()
        .filter((e) => e.event === 'refused')
        .at(-1),
    ).toMatchObject({
      reason: expect.stringMatching(/^source blocked for \d+ s after repeated failed logins$/),
    });
    // The main gateway keeps its own record: the same source still gets in there.
    expect((await ssh(rsa, `${SHOP_APACHE}-${DEMO_UID}`, 'echo in')).stdout).toBe('in\n');
  });

  it('drops a client that stops answering keepalives', async () => {
    const gateway = await fx.extraGateway({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    const seen = fx.auditEvents().length;
    const login = () =>
      fx
        .auditEvents()
        .slice(seen)
        .find((e) => e.event === 'auth' && e.result === 'success' && e.uid === DEMO_UID);
    const disconnect = (conn: string | undefined) =>
      fx.auditEvents().find((e) => e.event === 'disconnect' && e.conn === conn);
    const client = fx.processes.spawn('ssh', [
      '-N',
      ...fx.ssh(rsa, `${SHOP_APACHE}-${DEMO_UID}`, [], gateway),
    ]);
    await until(() => login() !== undefined, 'the login');
    const conn = login()?.conn;
    // A frozen client (laptop lid closed, network gone) answers nothing, like a stopped process.
    client.kill('SIGSTOP');
    try {
      await until(() => disconnect(conn) !== undefined, 'the disconnect');
    } finally {
      client.kill('SIGCONT');
    }
    expect(disconnect(conn)).toMatchObject({ reason: 'no answer to keepalives' });
  });

  it('closes idle connections', async () => {
    const gateway = await fx.extraGateway({ idleTimeoutMs: 500 });
    const seen = fx.auditEvents().length;
    const idle = () =>
      fx
        .auditEvents()
        .slice(seen)
        .find((e) => e.event === 'disconnect' && e.reason === 'idle timeout (500 ms without traffic)');
    const result = await ssh(rsa, `${SHOP_APACHE}-${DEMO_UID}`, 'true', ['-N'], gateway);
    expect(result.code).toBe(255);
    await until(() => idle() !== undefined, 'the idle disconnect in the audit log');
    expect(idle()).toMatchObject({ uid: DEMO_UID });
  });
});
