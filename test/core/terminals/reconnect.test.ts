import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesService } from '../../../electron/core/sftp/FilesService.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import { TerminalSessions } from '../../../electron/core/terminals/TerminalSessions.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { exitOf, outputUntil } from '../support/terminalOutput.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let terminals: TerminalSessions;
let files: FilesService;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  terminals = new TerminalSessions(connections);
  files = new FilesService(new GatewaySftp(connections));
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

/** Types a command and waits for the expected output. */
async function answer(id: string, command: string, expected: RegExp): Promise<void> {
  const seen = outputUntil(terminals, id, expected);
  await terminals.write(id, command);
  await seen;
}

describe('after the node’s sshd restarts', () => {
  it('ends the open terminal with a reason, then opens terminals and SFTP again', async () => {
    const target = account.target('518839-4856');
    const first = await terminals.open({ target, cols: 80, rows: 24 });
    await answer(first.id, 'echo before-$((1+1))\n', /before-2/);
    expect((await files.list(target, '.')).map((e) => e.name)).toContain('README.txt');

    const ended = exitOf(terminals, first.id);
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
