import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { posix, win32 } from 'node:path';

/**
 * The named pipe OpenSSH for Windows reads when SSH_AUTH_SOCK is not set (its `ssh-agent` service
 * serves it): serving it makes `ssh`, `git` and VS Code use the app's keys with no setting at all.
 */
export const WINDOWS_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

/**
 * The longest Unix socket path the OS takes, in bytes, without the closing NUL: `sun_path` is 104
 * bytes on macOS and the BSDs, 108 on Linux.
 */
export function socketPathLimit(platform: NodeJS.Platform): number {
  return platform === 'linux' || platform === 'android' ? 107 : 103;
}

export interface AgentSocketPlace {
  platform: NodeJS.Platform;
  /** The app's data folder (the profile). */
  dataDir: string;
  /** The OS's temporary folder (`os.tmpdir()`), for a profile whose own path is too long. */
  tempDir?: string;
}

export class AgentPathTooLong extends Error {
  override name = 'AgentPathTooLong';
}

/**
 * Where the agent listens: `<dataDir>/agent/agent.sock` (the folder mode 0700, the socket 0600) on
 * Linux and macOS; OpenSSH's own pipe on Windows. When the profile's path makes the socket's longer
 * than the OS allows (macOS: 103 bytes, and a profile under ~/Library/Application Support/ uses about
 * 60 of them), a folder of our own in the OS's temporary folder — on macOS a per-user one — named
 * after the profile, so the path stays the same from run to run (ssh config files name it).
 */
export function agentSocketPath({ platform, dataDir, tempDir = tmpdir() }: AgentSocketPlace): string {
  if (platform === 'win32') return WINDOWS_AGENT_PIPE;
  const limit = socketPathLimit(platform);
  const inProfile = posix.join(dataDir, 'agent', 'agent.sock');
  if (Buffer.byteLength(inProfile) <= limit) return inProfile;
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const inTemp = posix.join(tempDir, `enscale-ssh-agent-${tag}`, 'agent.sock');
  if (Buffer.byteLength(inTemp) <= limit) return inTemp;
  throw new AgentPathTooLong(
    `The SSH agent's socket path would be ${Buffer.byteLength(inProfile)} bytes long (${inProfile}); ` +
      `this system takes at most ${limit}. Use a profile folder with a shorter path (--profile).`,
  );
}

/** Whether the agent's address is a Windows named pipe rather than a socket file. */
export const isNamedPipe = (path: string): boolean =>
  win32.isAbsolute(path) && /^[\\/]{2}\.[\\/]pipe[\\/]/.test(path);
