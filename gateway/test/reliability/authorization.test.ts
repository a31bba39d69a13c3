import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentStatus } from '../../src/store/types.ts';
import {
  BLOG_APACHE,
  DEMO_UID,
  GatewayFixture,
  OTHER_UID,
  SHOP_APACHE,
  STAGING_APACHE,
  makeKey,
  registerKey,
  type UserKey,
} from '../ssh/helpers.ts';
import {
  exec,
  forward,
  login,
  logout,
  openSftp,
  sftpReaddir,
  Terminal,
  type LoginResult,
} from './support/sshClient.ts';

/**
 * Who may reach what, through both kinds of login: every (key of A or B) × (user name of A or B) ×
 * (node of A or B) × (running or stopped environment) in direct mode, with every kind of channel, and
 * the same keys through the menu. Access must exist exactly where the key, the user and the node's
 * owner agree and the environment runs — and a refused command must not have run on any node.
 */

/** The second tenant's stopped environment, added for this matrix (the demo data has none). */
const ARCHIVE_APACHE = 518910;
const SHELL_PROMPT = /[#$] $/;

interface NodeCase {
  id: number;
  owner: number;
  envName: string;
  running: boolean;
}

const NODES: readonly NodeCase[] = [
  { id: SHOP_APACHE, owner: DEMO_UID, envName: 'shop', running: true },
  { id: 518860, owner: DEMO_UID, envName: 'analytics', running: true },
  { id: STAGING_APACHE, owner: DEMO_UID, envName: 'staging', running: false },
  { id: BLOG_APACHE, owner: OTHER_UID, envName: 'blog', running: true },
  { id: ARCHIVE_APACHE, owner: OTHER_UID, envName: 'archive', running: false },
];
const USERS = [DEMO_UID, OTHER_UID] as const;

describe('authorization matrix', () => {
  let fx: GatewayFixture;
  const keys = new Map<number, UserKey>();
  let echo: Server;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    await fx.sandbox.addEnvironment({
      envName: 'archive',
      ownerUid: OTHER_UID,
      status: EnvironmentStatus.Down,
      nodes: [{ id: ARCHIVE_APACHE }],
    });
    for (const uid of USERS) {
      const key = makeKey(fx.tmp, `key_${uid}`, 'rsa', 2048);
      await registerKey(fx.store, uid, key.publicKey);
      keys.set(uid, key);
    }
    // What a -L forward reaches: a TCP echo on the machine the nodes run on.
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    echo?.close();
    await fx?.stop();
  });

  const keyOf = (uid: number): UserKey => {
    const key = keys.get(uid);
    if (!key) throw new Error(`no key for ${uid}`);
    return key;
  };
  const connect = (keyOwner: number, username: string): Promise<LoginResult> =>
    login({
      address: fx.address,
      username,
      privateKey: readFileSync(keyOf(keyOwner).privatePath),
      hostKeys: [fx.hostKeys.rsa.publicKey, fx.hostKeys.ed25519.publicKey],
    });
  /** Files named after a combination, created on a node only if a command really ran there. */
  const markerOn = (nodeId: number, tag: string): boolean => existsSync(join(fx.nodeHome(nodeId), tag));
  const everyNodeHome = (tag: string): number[] =>
    NODES.filter((node) => markerOn(node.id, tag)).map((n) => n.id);

  const combinations = USERS.flatMap((keyOwner) =>
    USERS.flatMap((uid) => NODES.map((node) => ({ keyOwner, uid, node }))),
  );

  it.each(combinations)(
    'direct mode: key of $keyOwner as user $uid on node $node.id',
    async ({ keyOwner, uid, node }) => {
      const username = `${node.id}-${uid}`;
      const tag = `authz-direct-${keyOwner}-${uid}-${node.id}`;
      const auditFrom = fx.auditEvents().length;
      const result = await connect(keyOwner, username);

      if (keyOwner !== uid) {
        // A key opens only its own user's names, whatever node the name points at.
        expect('error' in result && result.error.message).toMatch(/authentication methods failed/);
        const failure = fx
          .auditEvents()
          .slice(auditFrom)
          .find((e) => e.event === 'auth' && e.result === 'failure');
        expect(failure).toMatchObject({ reason: `key is not registered for user ${uid}`, user: username });
        expect(everyNodeHome(tag)).toEqual([]);
        return;
      }
      if (!('client' in result)) throw result.error;
      const client = result.client;
      try {
        const allowed = node.owner === uid && node.running;
        const refusal =
          node.owner !== uid
            ? `Node ${node.id} does not exist or does not belong to user ${uid}. Check the node id in the dashboard.`
            : `Environment '${node.envName}' is stopped — start it from the dashboard to connect.`;

        // exec
        const run = await exec(client, `touch ${tag} && echo RAN-${tag}`);
        if (allowed) {
          expect(run).toMatchObject({ code: 0, stdout: `RAN-${tag}\n`, stderr: '' });
        } else {
          expect(run).toMatchObject({ code: 1, stdout: '', stderr: `${refusal}\n` });
        }
        expect(everyNodeHome(tag)).toEqual(allowed ? [node.id] : []);

        // exec with a terminal
        const withPty = await exec(client, `echo PTY-$((40+2))`, { pty: true });
        if (allowed) expect(withPty.stdout).toContain('PTY-42');
        else expect(withPty).toMatchObject({ code: 1, stdout: '' });
        if (!allowed) expect(withPty.stderr).toContain(refusal);

        // shell
        const terminal = await Terminal.open(client);
        if (allowed) {
          await terminal.expect(SHELL_PROMPT, 0, tag);
          terminal.send(`touch ${tag}-shell; exit\r`);
          expect((await terminal.closed).code).toBe(0);
        } else {
          const closed = await terminal.closed;
          expect(closed.code).toBe(1);
          expect(terminal.output).toContain(refusal);
        }
        expect(markerOn(node.id, `${tag}-shell`)).toBe(allowed);

        // sftp
        const sftp = await openSftp(client);
        if (allowed) {
          if (!('sftp' in sftp)) throw sftp.error;
          expect(await sftpReaddir(sftp.sftp, '.')).toContain(tag);
          sftp.sftp.end();
        } else {
          expect('error' in sftp).toBe(true);
        }

        // direct-tcpip: the gateway refuses unless the user may enter the node; then the node decides.
        // A database node has a network of its own (docs/sandbox.md): its forward goes to its own
        // PostgreSQL on 5432, which answers an SSLRequest with one byte ('S' or 'N').
        const database = node.id === 518860;
        const tunnel = await forward(
          client,
          '127.0.0.1',
          database ? 5432 : (echo.address() as AddressInfo).port,
        );
        // shop's Apache node and analytics' PostgreSQL node allow forwarding (demoData.ts); blog's does not.
        if (allowed && (node.id === SHOP_APACHE || database)) {
          if (!('channel' in tunnel)) throw tunnel.error;
          if (database) {
            const sslRequest = '\u0000\u0000\u0000\u0008\u0004\u00d2\u0016\u002f';
            expect(['S', 'N']).toContain(await roundTrip(tunnel.channel, sslRequest, 1));
          } else {
            expect(await roundTrip(tunnel.channel, 'ping')).toBe('ping');
          }
        } else if (allowed) {
          // blog's node keeps the platform default: no forwarding, said by the node itself
          // (SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, passed through by the gateway).
          expect('error' in tunnel && (tunnel.error as Error & { reason?: number }).reason).toBe(1);
        } else {
          expect('error' in tunnel && tunnel.error.message).toContain(refusal);
        }

        // Every refused channel is in the audit log with its reason.
        const channels = fx
          .auditEvents()
          .slice(auditFrom)
          .filter((e) => e.event === 'channel');
        expect(channels.length).toBeGreaterThanOrEqual(4);
        for (const event of channels) {
          expect(event).toMatchObject({ uid, nodeId: node.id, mode: 'direct' });
          if (!allowed && event.event === 'channel') expect(event.error).toContain(refusal.slice(0, 30));
        }
      } finally {
        await logout(client);
      }
    },
  );

  it.each(USERS.flatMap((keyOwner) => USERS.map((uid) => ({ keyOwner, uid }))))(
    'menu: key of $keyOwner as user $uid',
    async ({ keyOwner, uid }) => {
      const result = await connect(keyOwner, String(uid));
      if (keyOwner !== uid) {
        expect('error' in result && result.error.message).toMatch(/authentication methods failed/);
        return;
      }
      if (!('client' in result)) throw result.error;
      const client = result.client;
      try {
        const own = NODES.filter((node) => node.owner === uid).sort((a, b) =>
          a.envName.localeCompare(b.envName),
        );
        const others = NODES.filter((node) => node.owner !== uid);
        const menu = await Terminal.open(client);
        const maxChoice = own.length + 1;
        const top = await menu.expect(`Enter [0-${maxChoice}]: `, 0, 'menu');
        // Only the user's own environments are listed; the other tenant's never appear.
        for (const [index, node] of own.entries()) {
          expect(top).toMatch(
            new RegExp(
              ` {2}${index + 2}\\. ${node.envName} +${node.envName}\\.sandbox\\.local +${node.running ? 'running' : 'stopped'}`,
            ),
          );
        }
        for (const node of others) {
          expect(top).not.toContain(node.envName);
          expect(top).not.toContain(String(node.id));
        }

        for (const [index, node] of own.entries()) {
          const tag = `authz-menu-${uid}-${node.id}`;
          let at = menu.mark();
          menu.send(`${index + 2}\r`);
          if (!node.running) {
            const refused = await menu.expect(`Enter [0-${maxChoice}]: `, at, tag);
            expect(refused).toContain(`Environment '${node.envName}' is stopped`);
            expect(refused).not.toContain('Connecting to node');
            continue;
          }
          await menu.expect(`container in '${node.envName}'`, at, tag);
          await menu.expect(/Enter \[0-\d\]: $/, at, tag);
          at = menu.mark();
          menu.send('2\r');
          await menu.expect(`Connecting to node ${node.id}`, at, tag);
          await menu.expect(SHELL_PROMPT, at, tag);
          menu.send(`touch ${tag}; exit\r`);
          await menu.expect(`Connection to node ${node.id} in '${node.envName}' closed.`, at, tag);
          expect(markerOn(node.id, tag)).toBe(true);
          at = menu.mark();
          menu.send('0\r');
          await menu.expect('Please select the required environment', at, tag);
        }
        menu.send('0\r');
        expect((await menu.closed).code).toBe(0);
        for (const node of NODES) {
          const tag = `authz-menu-${uid}-${node.id}`;
          expect(everyNodeHome(tag), tag).toEqual(node.owner === uid && node.running ? [node.id] : []);
        }
      } finally {
        await logout(client);
      }
    },
  );

  it('refuses a node in the menu when its environment stopped after the node list was shown', async () => {
    const result = await connect(DEMO_UID, String(DEMO_UID));
    if (!('client' in result)) throw result.error;
    const client = result.client;
    try {
      const menu = await Terminal.open(client);
      await menu.expect('Enter [0-4]: ');
      let at = menu.mark();
      menu.send('3\r');
      await menu.expect("container in 'shop'", at);
      await menu.expect(/Enter \[0-3\]: $/, at);
      await fx.store.setEnvironmentStatus('shop', EnvironmentStatus.Down);
      try {
        at = menu.mark();
        menu.send('2\r');
        const refused = await menu.expect(/Enter \[0-3\]: $/, at);
        expect(refused).toContain("Environment 'shop' is stopped — start it from the dashboard to connect.");
        expect(refused).not.toMatch(SHELL_PROMPT);
      } finally {
        await fx.store.setEnvironmentStatus('shop', EnvironmentStatus.Running);
      }
      at = menu.mark();
      menu.send('2\r');
      await menu.expect(SHELL_PROMPT, at);
      menu.send('exit\r');
      await menu.expect("Connection to node 518839 in 'shop' closed.", at);
      menu.send('\x03');
      await menu.closed;
    } finally {
      await logout(client);
    }
  });

  it('starts node sessions in the node’s home, so the host user’s shell start-up files stay out', async () => {
    // sshd runs every session through the account's login shell (which runs the node's session
    // script), and bash run by sshd reads $HOME/.bashrc first. That HOME must be the node's: with the
    // host user's, their start-up files (pyenv, nvm, …) ran in every node session — and one cut off
    // mid-way left pyenv's lock behind, stalling every later session for a minute. With the node's
    // home, bash reads the node's .bashrc twice: for the session script and for the command.
    const home = fx.nodeHome(BLOG_APACHE);
    writeFileSync(join(home, '.bashrc'), 'echo "$$" >> "$HOME/.bashrc-runs"\n');
    const result = await connect(OTHER_UID, `${BLOG_APACHE}-${OTHER_UID}`);
    if (!('client' in result)) throw result.error;
    try {
      // Whatever the login shell: the session's HOME is the node's, never this machine user's.
      const node = fx.sandbox.nodes.server(BLOG_APACHE)!;
      expect((await exec(result.client, 'printf %s "$HOME"')).stdout).toBe(node.remoteHome);
      const runs = existsSync(join(home, '.bashrc-runs'))
        ? readFileSync(join(home, '.bashrc-runs'), 'utf8').trim().split('\n').length
        : 0;
      // And bash, which reads $HOME/.bashrc, read the node's (for the session script and the command).
      // (An isolated node's user logs in with bash, as on Enscale.)
      const shell = fx.sandbox.nodes.isolated ? '/bin/bash' : (userInfo().shell ?? '');
      expect(runs).toBe(/bash$/.test(shell) ? 2 : 0);
    } finally {
      rmSync(join(home, '.bashrc'), { force: true });
      rmSync(join(home, '.bashrc-runs'), { force: true });
      await logout(result.client);
    }
  });

  it('checks every new channel of a direct login against the environment’s state at that moment', async () => {
    const result = await connect(OTHER_UID, `${BLOG_APACHE}-${OTHER_UID}`);
    if (!('client' in result)) throw result.error;
    const client = result.client;
    try {
      expect((await exec(client, 'echo one')).stdout).toBe('one\n');
      await fx.store.setEnvironmentStatus('blog', EnvironmentStatus.Sleep);
      try {
        expect(await exec(client, 'touch authz-asleep; echo two')).toMatchObject({
          code: 1,
          stdout: '',
          stderr: "Environment 'blog' is sleeping — wake it from the dashboard to connect.\n",
        });
        expect(markerOn(BLOG_APACHE, 'authz-asleep')).toBe(false);
      } finally {
        await fx.store.setEnvironmentStatus('blog', EnvironmentStatus.Running);
      }
      expect((await exec(client, 'echo three')).stdout).toBe('three\n');
    } finally {
      await logout(client);
    }
  });
});

/** Sends `text` (latin1) and resolves with the first `length` characters that come back. */
function roundTrip(channel: ssh2.ClientChannel, text: string, length = text.length): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    channel.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (got.length >= length) {
        channel.close();
        resolve(got);
      }
    });
    channel.write(Buffer.from(text, 'latin1'));
  });
}
