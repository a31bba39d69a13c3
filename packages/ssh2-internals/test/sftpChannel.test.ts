import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sftpEofReceived, sftpExtension, sftpRequestLimits } from '../src/sftpChannel.ts';
import { connectNode, type NodeSftp } from '../../../test/core/sftp/nodeSftp.ts';

/*
 * What ssh2 keeps private of an SFTP session, read on a live channel to a sandbox node: a real
 * OpenSSH sshd with its sftp-server, which announces posix-rename and limits@openssh.com.
 */

let node: NodeSftp;
beforeAll(async () => {
  node = await connectNode();
});
afterAll(async () => {
  await node?.stop();
});

describe('an SFTP channel’s private state', () => {
  it('names the extensions the server announced, and only those', () => {
    expect(sftpExtension(node.sftp, 'posix-rename@openssh.com')).toBe('1');
    expect(sftpExtension(node.sftp, 'no-such-extension@example.com')).toBeUndefined();
  });

  it('gives the request limits ssh2 learnt from limits@openssh.com', () => {
    const { read, write } = sftpRequestLimits(node.sftp);
    // OpenSSH's sftp-server allows 256 KiB packets; ssh2 keeps room for each request's header.
    expect(read).toBeGreaterThan(250 * 1024);
    expect(read).toBeLessThan(256 * 1024);
    expect(write).toBe(read);
  });

  it('sees the server’s EOF once the channel has ended', async () => {
    const sftp = await node.openSftp();
    expect(sftpEofReceived(sftp)).toBe(false);
    const closed = new Promise<void>((resolve) => sftp.once('close', () => resolve()));
    sftp.end();
    await closed;
    expect(sftpEofReceived(sftp)).toBe(true);
  });

  it('answers as ssh2’s public API would for an object without that state', () => {
    const bare = {} as NodeSftp['sftp'];
    expect(sftpExtension(bare, 'posix-rename@openssh.com')).toBeUndefined();
    expect(sftpRequestLimits(bare)).toEqual({ read: undefined, write: undefined });
    expect(sftpEofReceived(bare)).toBe(false);
  });
});
