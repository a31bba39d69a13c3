import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { TerminalSessions } from '../../../electron/core/terminals/TerminalSessions.ts';
import { AuthenticationFailed, HostKeyUnknown } from '../../../shared/src/errors.ts';
import { TERMINAL_CHUNK_BYTES, TERMINAL_HIGH_WATER_BYTES } from '../../../shared/src/terminals.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { exitOf as exitOfTerminal, outputUntil } from '../support/terminalOutput.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let terminals: TerminalSessions;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  terminals = new TerminalSessions(connections);
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const output = (id: string, until: RegExp) => outputUntil(terminals, id, until);
const exitOf = (id: string) => exitOfTerminal(terminals, id);

describe('terminals through the gateway', () => {
  it('opens a node shell and runs what is typed', async () => {
    const { id } = await terminals.open({ target: account.target('518839-4856'), cols: 100, rows: 30 });
    const seen = output(id, /\b42\b/);
    await terminals.write(id, 'echo $((6*7))\n');
    expect(await seen).toMatch(/42/);
    const size = output(id, /30 100/);
    await terminals.write(id, 'stty size\n');
    await size;
    await terminals.resize(id, 120, 40);
    const resized = output(id, /40 120/);
    await terminals.write(id, 'stty size\n');
    await resized;
    const exited = exitOf(id);
    await terminals.write(id, 'exit 3\n');
    expect((await exited).code).toBe(3);
  });

  it('opens the gateway menu for the UID user', async () => {
    const { id } = await terminals.open({ target: account.target('4856'), cols: 100, rows: 30 });
    expect(await output(id, /staging/)).toMatch(/shop/);
    await terminals.close(id);
  });

  it('pauses output the screen has not acknowledged, and loses nothing', async () => {
    const total = 8 * 1024 * 1024;
    const { id } = await terminals.open({
      target: account.target('518839-4856'),
      cols: 80,
      rows: 24,
      command: `head -c ${total} /dev/zero | tr '\\0' x`,
    });
    let received = 0;
    let maxPending = 0;
    const chunks: Uint8Array[] = [];
    const stop = terminals.events.on('data', (event) => {
      if (event.id !== id) return;
      received += event.data.length;
      chunks.push(event.data);
      maxPending = Math.max(maxPending, terminals.pending(id));
      expect(event.data.length).toBeLessThanOrEqual(TERMINAL_CHUNK_BYTES);
    });
    // Nobody acknowledges: output must stop near the high-water mark instead of piling up.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stalledAt = received;
    expect(stalledAt).toBeLessThan(total);
    expect(maxPending).toBeLessThanOrEqual(TERMINAL_HIGH_WATER_BYTES + 4 * TERMINAL_CHUNK_BYTES);
    // Now the screen catches up: everything arrives.
    const exited = exitOf(id);
    const drain = setInterval(() => {
      const pending = chunks.splice(0).reduce((sum, chunk) => sum + chunk.length, 0);
      if (pending) void terminals.ack(id, pending);
    }, 10);
    expect((await exited).code).toBe(0);
    clearInterval(drain);
    stop();
    // A pty turns nothing into more bytes for this output; every x arrived.
    expect(received).toBe(total);
  });

  it('shares one connection per target', async () => {
    const a = await connections.client(account.target('518839-4856'));
    const b = await connections.client(account.target('518839-4856'));
    expect(a).toBe(b);
    expect(await connections.client(account.target('518840-4856'))).not.toBe(a);
  });

  it('reports a key the gateway refuses as AuthenticationFailed, naming the fix', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'rsa',
      '-b',
      '2048',
      '-N',
      '',
      '-f',
      join(account.dir, 'stranger'),
    ]);
    const strangers = new GatewayConnections({
      hostKeys: account.hostKeys,
      identity: async () => [
        { name: 'stranger', privateKey: readFileSync(join(account.dir, 'stranger'), 'utf8') },
      ],
      interactive: false,
    });
    const error = await strangers.client(account.target('518839-4856')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailed);
    expect((error as Error).message).toMatch(/Sync the key to the dashboard/);
  });

  it('refuses an unknown gateway key when no one can be asked', async () => {
    const target = { ...account.target('518839-4856') };
    delete target.pinned;
    const error = await new GatewayConnections({
      hostKeys: account.hostKeys,
      identity: async () => [{ name: 'core tests', privateKey: account.privateKey }],
      interactive: false,
    })
      .client(target)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyUnknown);
    // Unpinned, the client may negotiate either of the gateway's keys; the message names the one it saw.
    const gateway = account.sandbox.ready.gateway as unknown as Record<string, { sha256: string }>;
    expect([gateway['hostKey']!.sha256, gateway['hostKeyEd25519']!.sha256]).toContain(
      (error as { details: { sha256: string } }).details.sha256,
    );
    expect((error as Error).message).toContain('--fingerprint SHA256:');
  });
});
