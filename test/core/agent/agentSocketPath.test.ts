import { describe, expect, it } from 'vitest';
import {
  AgentPathTooLong,
  WINDOWS_AGENT_PIPE,
  agentSocketPath,
  isNamedPipe,
  socketPathLimit,
} from '../../../electron/core/agent/agentSocketPath.ts';
import { AgentSocketBusy, listenError } from '../../../electron/core/agent/socketFile.ts';
import { AgentFramer, AGENT_MESSAGE_MAX } from '../../../electron/core/agent/agentFramer.ts';
import { parseSsRows, peerProcess } from '../../../electron/core/agent/clientProcess.ts';
import { exportLine } from '../../../shared/src/agent.ts';

const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });

describe('agentSocketPath', () => {
  it('is agent/agent.sock in the profile on Linux', () => {
    expect(agentSocketPath({ platform: 'linux', dataDir: '/home/ann/.config/Enscale SSH' })).toBe(
      '/home/ann/.config/Enscale SSH/agent/agent.sock',
    );
  });

  it('is agent/agent.sock in the profile on macOS while it fits in sun_path', () => {
    const dataDir = '/Users/ann/Library/Application Support/Enscale SSH';
    expect(agentSocketPath({ platform: 'darwin', dataDir })).toBe(`${dataDir}/agent/agent.sock`);
  });

  it('moves to a folder of its own under the temporary folder when a macOS profile path is too long', () => {
    const dataDir = `/Users/${'a'.repeat(40)}/Library/Application Support/Enscale SSH`;
    expect(Buffer.byteLength(`${dataDir}/agent/agent.sock`)).toBeGreaterThan(socketPathLimit('darwin'));
    const tempDir = '/var/folders/xy/abcdefghijklmnopqrstuvwx0000gn/T';
    const path = agentSocketPath({ platform: 'darwin', dataDir, tempDir });
    expect(path).toMatch(
      /^\/var\/folders\/xy\/abcdefghijklmnopqrstuvwx0000gn\/T\/enscale-ssh-agent-[0-9a-f]{12}\/agent\.sock$/,
    );
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(103);
    // The same profile gets the same path on every run (ssh config files name it); another one, another.
    expect(agentSocketPath({ platform: 'darwin', dataDir, tempDir })).toBe(path);
    expect(agentSocketPath({ platform: 'darwin', dataDir: `${dataDir}2`, tempDir })).not.toBe(path);
  });

  it('counts bytes, not characters, and says what to do when no path fits', () => {
    const dataDir = `/Users/ann/${'ü'.repeat(60)}`;
    expect(() =>
      agentSocketPath({ platform: 'darwin', dataDir, tempDir: `/tmp/${'x'.repeat(100)}` }),
    ).toThrow(AgentPathTooLong);
    expect(() =>
      agentSocketPath({ platform: 'darwin', dataDir, tempDir: `/tmp/${'x'.repeat(100)}` }),
    ).toThrow(/at most 103.*--profile/);
    // Linux's sun_path is 108 bytes: the same profile fits there.
    expect(agentSocketPath({ platform: 'linux', dataDir: `/home/${'a'.repeat(80)}` })).toMatch(
      /agent\.sock$/,
    );
  });

  it("is OpenSSH for Windows' pipe on Windows, whatever the profile", () => {
    const path = agentSocketPath({
      platform: 'win32',
      dataDir: 'C:\\Users\\ann\\AppData\\Roaming\\Enscale SSH',
    });
    expect(path).toBe('\\\\.\\pipe\\openssh-ssh-agent');
    expect(path).toBe(WINDOWS_AGENT_PIPE);
    expect(isNamedPipe(path)).toBe(true);
    expect(isNamedPipe('/home/ann/.config/Enscale SSH/agent/agent.sock')).toBe(false);
  });
});

describe('listenError', () => {
  it("names Windows' ssh-agent service when the pipe is taken", () => {
    const error = listenError(inUse, WINDOWS_AGENT_PIPE, 'win32');
    expect(error).toBeInstanceOf(AgentSocketBusy);
    expect(error.message).toMatch(/OpenSSH Authentication Agent service \(ssh-agent\)/);
    expect(error.message).toMatch(/Stop-Service ssh-agent/);
  });

  it('says another agent answers for a Unix socket', () => {
    expect(listenError(inUse, '/tmp/a/agent.sock', 'darwin').message).toMatch(
      /Another SSH agent already answers/,
    );
  });
});

describe('AgentFramer', () => {
  const message = (type: number, body: Buffer = Buffer.alloc(0)) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(1 + body.length, 0);
    head[4] = type;
    return Buffer.concat([head, body]);
  };

  it('hands on whole messages, a refused type as its type alone, across chunk boundaries', () => {
    const framer = new AgentFramer();
    const extension = message(27, Buffer.from('\0\0\0\x18session-bind@openssh.com and more'));
    const sign = message(13, Buffer.from('key, data and flags'));
    const stream = Buffer.concat([extension, message(11), sign]);
    const out = [...framer.push(stream.subarray(0, 7))!, ...framer.push(stream.subarray(7))!];
    expect(out.map((m) => [...m])).toEqual([[0, 0, 0, 1, 27], [0, 0, 0, 1, 11], [...sign]]);
  });

  it('refuses a declared length over 256 KiB', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(AGENT_MESSAGE_MAX + 1, 0);
    expect(new AgentFramer().push(head)).toBeUndefined();
  });
});

describe('the client process (ss -xpn)', () => {
  // Captured from `ss -xpn` on Debian 12 with a python3 agent (pid 18379) and an ssh client.
  const fixture = [
    'Netid State  Recv-Q Send-Q  Local Address:Port   Peer Address:Port Process',
    'u_str ESTAB 0      0      /run/user/0/agent.sock 4758080            * 4758079 users:(("python3",pid=18379,fd=5))',
    'u_str ESTAB 0      0                      * 4758079            * 4758080 users:(("ssh",pid=18400,fd=4))',
    'u_str ESTAB 0      0                      * 4758111            * 4758112 users:(("python3",pid=18379,fd=7))',
  ].join('\n');

  it('pairs our accepted socket with its peer and names the process holding it', () => {
    const rows = parseSsRows(fixture);
    expect(rows).toHaveLength(3);
    expect(peerProcess(rows, 18379, 5)).toEqual({ pid: 18400, name: 'ssh' });
  });

  it('knows nothing of a socket it cannot pair', () => {
    expect(peerProcess(parseSsRows(fixture), 18379, 7)).toBeUndefined();
    expect(peerProcess(parseSsRows(fixture), 1, 5)).toBeUndefined();
  });
});

describe('exportLine', () => {
  it('prints the line ssh-agent prints, quoting a path with spaces', () => {
    expect(exportLine('/tmp/a/agent.sock')).toBe('SSH_AUTH_SOCK=/tmp/a/agent.sock; export SSH_AUTH_SOCK;');
    expect(exportLine("/home/ann/.config/Enscale SSH/it's/agent.sock")).toBe(
      "SSH_AUTH_SOCK='/home/ann/.config/Enscale SSH/it'\\''s/agent.sock'; export SSH_AUTH_SOCK;",
    );
  });
});
