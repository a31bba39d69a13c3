import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { WINDOWS_AGENT_PIPE } from './agentSocketPath.ts';

export class AgentSocketBusy extends Error {
  override name = 'AgentSocketBusy';
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * The socket's folder, made 0700 and checked to be ours: a folder in a shared temporary directory
 * that someone else made (or a symbolic link) could let them swap the socket under our clients.
 */
export async function prepareSocketFolder(socketPath: string): Promise<void> {
  const folder = dirname(socketPath);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const stat = await lstat(folder);
  if (!stat.isDirectory())
    throw new Error(`The SSH agent's folder ${folder} is not a folder (a link or a file): move it away.`);
  if (process.getuid && stat.uid !== process.getuid())
    throw new Error(
      `The SSH agent's folder ${folder} belongs to another user: remove it, or use another profile.`,
    );
  if ((stat.mode & 0o777) !== 0o700) await chmod(folder, 0o700);
}

/** Whether something accepts connections on the socket now. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * A socket file left by a run that crashed is removed; one that an agent still answers on is that
 * agent's (another copy of the app with this profile, or an `enscale-ssh agent`), and left alone.
 */
export async function clearStaleSocket(socketPath: string): Promise<void> {
  let stat;
  try {
    stat = await lstat(socketPath);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  if (!stat.isSocket())
    throw new Error(`${socketPath} is not a socket, so the SSH agent will not replace it: move it away.`);
  if (await answers(socketPath))
    throw new AgentSocketBusy(
      `Another SSH agent already answers on ${socketPath} (another window of the app with this profile, ` +
        `or 'enscale-ssh agent'): stop it first.`,
    );
  await unlink(socketPath).catch((error: unknown) => {
    if (code(error) !== 'ENOENT') throw error;
  });
}

/** What a failed `listen` means to the user, for the pipe OpenSSH for Windows' own agent serves. */
export function listenError(error: unknown, socketPath: string, platform: NodeJS.Platform): Error {
  const failure = code(error);
  if (
    platform === 'win32' &&
    socketPath === WINDOWS_AGENT_PIPE &&
    (failure === 'EADDRINUSE' || failure === 'EACCES')
  )
    return new AgentSocketBusy(
      `Another SSH agent holds ${WINDOWS_AGENT_PIPE} — most likely Windows' own OpenSSH Authentication ` +
        `Agent service (ssh-agent). Stop it and set it to Manual (Services → OpenSSH Authentication Agent, ` +
        `or 'Stop-Service ssh-agent; Set-Service ssh-agent -StartupType Manual' in an administrator ` +
        `PowerShell), then turn the app's agent on again.`,
    );
  if (
    platform === 'win32' &&
    /pipe[\\/]pageant\./.test(socketPath) &&
    (failure === 'EADDRINUSE' || failure === 'EACCES')
  )
    return new AgentSocketBusy(
      'Pageant is running and holds its pipe, so PuTTY and WinSCP use its keys, not the app’s. ' +
        'Quit Pageant (its tray icon → Exit) and turn the app’s agent off and on to serve them.',
    );
  if (failure === 'EADDRINUSE')
    return new AgentSocketBusy(`Another SSH agent already answers on ${socketPath}: stop it first.`);
  return error instanceof Error ? error : new Error(String(error));
}
