import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesService } from '../../../electron/core/sftp/FilesService.ts';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import { TerminalSessions } from '../../../electron/core/terminals/TerminalSessions.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let terminals: TerminalSessions;
let files: FilesService;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = new GatewayConnections({
    hostKeys: account.hostKeys,
    identity: async () => ({ privateKey: account.privateKey }),
    interactive: false,
  });
  terminals = new TerminalSessions(connections);
  files = new FilesService(new GatewaySftp(connections));
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

function answer(id: string, command: string, expected: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    const stop = terminals.events.on('data', (event) => {
      if (event.id !== id) return;
      text += new TextDecoder().decode(event.data);
      void terminals.ack(id, event.data.length);
      if (expected.test(text)) {
        stop();
        resolve();
      }
    });
    void terminals.write(id, command);
  });
}

describe('after the node’s sshd restarts', () => {
  it('ends the open terminal with a reason, then opens terminals and SFTP again', async () => {
    const target = account.target('518839-4856');
    const first = await terminals.open({ target, cols: 80, rows: 24 });
    await answer(first.id, 'echo before-$((1+1))\n', /before-2/);
    expect((await files.list(target, '.')).map((e) => e.name)).toContain('README.txt');

    const ended = new Promise<{ code: number | null; reason?: string }>((resolve) => {
      const stop = terminals.events.on('exit', (event) => {
        if (event.id === first.id) {
          stop();
          resolve(event);
        }
      });
    });
    // Stop and start the environment's nodes: new sshd processes, same host keys, new ports.
    await account.sandbox.nodes.stop('shop');
    const exit = await ended;
    expect(exit.code === null || exit.code !== 0 || exit.reason !== undefined).toBe(true);
    await account.sandbox.nodes.start('shop');

    const second = await terminals.open({ target, cols: 80, rows: 24 });
    await answer(second.id, 'echo after-$((2+2))\n', /after-4/);
    await terminals.close(second.id);
    expect((await files.list(target, '.')).map((e) => e.name)).toContain('README.txt');
  });
});
