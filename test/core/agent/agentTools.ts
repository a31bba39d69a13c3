import { spawn } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real OpenSSH tool with the app's agent as the only agent (no other SSH_AUTH_SOCK, no keys on disk). */
export function runTool(
  command: string,
  args: string[],
  socketPath: string,
  extraEnv: Record<string, string> = {},
): { done: Promise<Finished>; exited: () => boolean } {
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      SSH_AUTH_SOCK: socketPath,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      exited = true;
      resolve({ code, stdout, stderr });
    });
  });
  return { done, exited: () => exited };
}

/**
 * `ssh` to a node through the sandbox gateway with the agent as its only source of keys: no config
 * file, no identity files, no passwords; the gateway's host key accepted into a known_hosts of the test's.
 */
export function sshArgs(gateway: { host: string; port: number }, user: string, knownHosts: string): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'IdentitiesOnly=no',
    '-o',
    'IdentityFile=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'PasswordAuthentication=no',
    '-o',
    'KbdInteractiveAuthentication=no',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-p',
    String(gateway.port),
    `${user}@${gateway.host}`,
    'true',
  ];
}

/** A promise and the function that settles it, to order a test's steps without timers. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
