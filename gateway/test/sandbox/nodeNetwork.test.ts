import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canHandOnListeners, listenOnHost } from '../../src/sandbox/nodeNetwork.ts';

describe('handing a listening socket to a child (a database node’s sshd)', () => {
  it('works on this Node: the child accepts on the port the sandbox bound', async () => {
    expect(await canHandOnListeners()).toBe(true);
    const listener = await listenOnHost('127.0.0.1');
    // The child gets the socket as its fd 3, as a node's sshd does, and answers one connection.
    const child = spawn(
      process.execPath,
      [
        '-e',
        "require('net').createServer((s) => s.end('from the child\\n')).listen({ fd: 3 }, () => process.send?.('up'))",
      ],
      { stdio: ['ignore', 'ignore', 'inherit', listener.fd, 'ipc'] },
    );
    listener.close();
    try {
      await new Promise((resolve) => child.once('message', resolve));
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(listener.port, '127.0.0.1');
        socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        socket.once('end', () => resolve(text));
        socket.once('error', reject);
      });
      expect(answer).toBe('from the child\n');
    } finally {
      child.kill();
    }
  });
});
